package dev.gowarden.dwarf;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One abbreviation: a DIE's tag, whether it has children, and its attributes' names and forms. */
record Abbrev(long code, int tag, boolean hasChildren, int[] names, int[] forms, long[] implicitConsts) {

    /** The abbreviation table of a unit, dense codes in an array (the common case) and the rest in a map. */
    record Table(Abbrev[] dense, Map<Long, Abbrev> sparse) {
        Abbrev get(long code) {
            if (code > 0 && code < dense.length && dense[(int) code] != null) return dense[(int) code];
            return sparse.get(code);
        }

        static Table parse(ByteCursor c) {
            List<Abbrev> list = new ArrayList<>();
            long max = 0;
            while (true) {
                long code = c.uleb();
                if (code == 0) break;
                int tag = (int) c.uleb();
                boolean children = c.u8() != 0;
                List<long[]> specs = new ArrayList<>();
                while (true) {
                    long name = c.uleb();
                    long form = c.uleb();
                    if (name == 0 && form == 0) break;
                    long implicit = form == Dw.FORM_IMPLICIT_CONST ? c.sleb() : 0;
                    specs.add(new long[]{name, form, implicit});
                }
                int[] names = new int[specs.size()];
                int[] forms = new int[specs.size()];
                long[] consts = new long[specs.size()];
                for (int i = 0; i < specs.size(); i++) {
                    names[i] = (int) specs.get(i)[0];
                    forms[i] = (int) specs.get(i)[1];
                    consts[i] = specs.get(i)[2];
                }
                list.add(new Abbrev(code, tag, children, names, forms, consts));
                max = Math.max(max, code);
            }
            Abbrev[] dense = new Abbrev[(int) Math.min(max + 1, 4096)];
            Map<Long, Abbrev> sparse = new HashMap<>();
            for (Abbrev a : list) {
                if (a.code() < dense.length) dense[(int) a.code()] = a;
                else sparse.put(a.code(), a);
            }
            return new Table(dense, sparse);
        }
    }
}
