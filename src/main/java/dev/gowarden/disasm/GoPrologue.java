package dev.gowarden.disasm;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the stack-bound check Go's compiler and assembler put at the entry of every function that is not NOSPLIT.
 * Every instruction before the final branch must be one the prologue generators emit (loads of g and
 * g.stackguard0, bound arithmetic, compares, early branches to the same morestack path), so that the set of
 * registers written before {@code body} is known exactly; and the branch target must be a morestack path, i.e.
 * calls and moves that end in a jump back to the entry. Anything else yields no check (body = entry is then safe).
 */
public final class GoPrologue {
    /** The longest prologue (amd64 pre-1.17 huge frame: 7 instructions before the final branch; arm64 huge: 6) plus slack. */
    private static final int MAX_PROLOGUE_INSTRUCTIONS = 12;
    /** Spills before the morestack call and reloads after it: at most one per argument register, plus slack. */
    private static final int MAX_MORESTACK_PATH_INSTRUCTIONS = 80;
    /** g.stackguard0, and g.stackguard1 which //go:systemstack runtime functions check (their path calls morestackc). */
    private static final int STACKGUARD0 = 16;
    private static final int STACKGUARD1 = 24;

    private static final String[] AMD64_NAMES = {"RAX", "RCX", "RDX", "RBX", "RSP", "RBP", "RSI", "RDI",
            "R8", "R9", "R10", "R11", "R12", "R13", "R14", "R15"};

    private GoPrologue() {
    }

    /** {@code code} holds the function's bytes from its entry; nothing beyond it is read. */
    public static Optional<StackCheck> amd64(MemorySegment code, long entry) {
        ByteBuffer x86 = X86Decoder.view(code);
        long pos = 0;
        int gReg = X86Instruction.R14;
        StackCheck.GSource gSource = StackCheck.GSource.REGISTER;
        int guardReg = X86Instruction.NONE;     // holds g.stackguard0 (old huge-frame form)
        boolean compared = false;
        boolean comparedSp = false;
        Set<Integer> clobbered = new LinkedHashSet<>();
        List<Long> earlyTargets = new ArrayList<>(2);
        for (int n = 0; n < MAX_PROLOGUE_INSTRUCTIONS && pos < code.byteSize(); n++) {
            X86Instruction in = X86Decoder.decode(x86, pos, entry + pos);
            pos += in.length();
            if (in.flow() == Flow.COND_JUMP) {
                int cc = conditionCode(in);
                if (compared && cc == 0x6) { // JBE (JLS): unsigned SP <= stackguard0
                    long target = in.target();
                    for (long t : earlyTargets) {
                        if (t != target) return Optional.empty();
                    }
                    if (!amd64MorestackPath(code, entry, target)) return Optional.empty();
                    StackCheck.Shape shape = !earlyTargets.isEmpty() ? StackCheck.Shape.HUGE
                            : comparedSp ? StackCheck.Shape.SMALL : StackCheck.Shape.LARGE;
                    return Optional.of(new StackCheck(entry, in.next(), target, shape, gSource, names(clobbered, AMD64_NAMES)));
                }
                if (cc == 0x2 || cc == 0x4) { // JB: bound wrapped below zero; JEQ: old form's stackPreempt test
                    earlyTargets.add(in.target());
                    continue;
                }
                return Optional.empty();
            }
            if (in.flow() != Flow.NEXT || in.map() != X86Instruction.MAP_ONE_BYTE || !in.rexW()) {
                return Optional.empty();
            }
            int op = in.opcode();
            boolean regForm = in.hasModrm() && in.mod() == 3;
            switch (op) {
                case 0x8B -> { // MOV r, r/m
                    if (regForm) {
                        clobbered.add(in.reg());
                    } else if ((in.prefixes() & X86Instruction.PREFIX_FS) != 0) {
                        // MOVQ FS:-8, reg (static TLS) or MOVQ FS:(reg), reg (after loading runtime.tlsg's GOT slot)
                        gReg = in.reg();
                        gSource = StackCheck.GSource.TLS;
                        clobbered.add(in.reg());
                    } else if (in.base() == X86Instruction.RIP) {
                        clobbered.add(in.reg());
                    } else if (in.base() == gReg && in.index() == X86Instruction.NONE && isGuard(in.disp())) {
                        guardReg = in.reg();
                        clobbered.add(in.reg());
                    } else {
                        return Optional.empty();
                    }
                }
                case 0xC7 -> { // MOVQ $-8, R14 before MOVQ FS:(R14), R14 (Go 1.2x ABI0 prologue)
                    if (!regForm || in.regField() != 0) return Optional.empty();
                    clobbered.add(in.rmRegister());
                }
                case 0x89 -> { // MOV r/m, r
                    if (!regForm) return Optional.empty();
                    clobbered.add(in.rmRegister());
                }
                case 0x8D -> { // LEA r, m: SP-relative bound
                    if (in.base() != X86Instruction.RSP) return Optional.empty();
                    clobbered.add(in.reg());
                }
                case 0x81, 0x83 -> {
                    int ext = in.regField();
                    if (!regForm) return Optional.empty();
                    if (ext == 7) { // CMP r, imm (old huge form compares against stackPreempt and the frame size)
                        if (guardReg == X86Instruction.NONE) return Optional.empty();
                        compared = true;
                    } else if (ext == 0 || ext == 5) { // ADD/SUB r, imm
                        clobbered.add(in.rmRegister());
                    } else {
                        return Optional.empty();
                    }
                }
                case 0x29, 0x2B -> { // SUB between registers (old huge form: bound minus stackguard0)
                    if (!regForm) return Optional.empty();
                    clobbered.add(op == 0x29 ? in.rmRegister() : in.reg());
                }
                case 0x3B, 0x39 -> { // CMP between a register and g.stackguard0
                    if (regForm || in.base() != gReg || in.index() != X86Instruction.NONE || !isGuard(in.disp())) {
                        return Optional.empty();
                    }
                    compared = true;
                    comparedSp = in.reg() == X86Instruction.RSP;
                }
                case 0x3D -> { // CMP RAX, imm32
                    if (guardReg == X86Instruction.NONE) return Optional.empty();
                    compared = true;
                }
                default -> {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    private static boolean isGuard(long offset) {
        return offset == STACKGUARD0 || offset == STACKGUARD1;
    }

    /** Jcc condition (low nibble of 70..7F / 0F 80..8F). */
    private static int conditionCode(X86Instruction in) {
        return in.opcode() & 0xF;
    }

    private static boolean amd64MorestackPath(MemorySegment code, long entry, long target) {
        ByteBuffer x86 = X86Decoder.view(code);
        long pos = target - entry;
        if (pos <= 0 || pos >= code.byteSize()) return false;
        boolean called = false;
        for (int n = 0; n < MAX_MORESTACK_PATH_INSTRUCTIONS && pos < code.byteSize(); n++) {
            X86Instruction in = X86Decoder.decode(x86, pos, entry + pos);
            pos += in.length();
            switch (in.flow()) {
                case NEXT -> {
                }
                case CALL -> called = true;
                case JUMP -> {
                    return called && in.target() == entry;
                }
                default -> {
                    return false;
                }
            }
        }
        return false;
    }

    /** {@code code} holds the function's bytes from its entry (a multiple of 4 bytes is used). */
    public static Optional<StackCheck> arm64(MemorySegment code, long entry) {
        long words = code.byteSize() / Arm64Instruction.LENGTH;
        // registers holding g.stackguard0 or a value computed from it (pre-1.18 huge frames: SP + slack - guard)
        Set<Integer> guardDerived = new LinkedHashSet<>();
        Set<Integer> spAliases = new LinkedHashSet<>();
        spAliases.add(Arm64Instruction.SP_OR_ZR);
        boolean compared = false;
        boolean comparedSp = false;
        Set<Integer> clobbered = new LinkedHashSet<>();
        List<Long> earlyTargets = new ArrayList<>(2);
        for (int n = 0; n < MAX_PROLOGUE_INSTRUCTIONS && n < words; n++) {
            Arm64Instruction in = Arm64Decoder.decode(code, (long) n * 4, entry + (long) n * 4);
            int w = in.word();
            if (in.flow() == Flow.COND_JUMP) {
                int cond = in.condition();
                if (compared && cond == Arm64Decoder.COND_LS) {
                    long target = in.target();
                    for (long t : earlyTargets) {
                        if (t != target) return Optional.empty();
                    }
                    if (!arm64MorestackPath(code, entry, target)) return Optional.empty();
                    StackCheck.Shape shape = !earlyTargets.isEmpty() ? StackCheck.Shape.HUGE
                            : comparedSp ? StackCheck.Shape.SMALL : StackCheck.Shape.LARGE;
                    return Optional.of(new StackCheck(entry, in.next(), target, shape, StackCheck.GSource.REGISTER,
                            names(clobbered, null)));
                }
                if (cond == Arm64Decoder.COND_CC || cond == 0) { // BCC/BLO: bound wrapped; BEQ: old stackPreempt test
                    earlyTargets.add(in.target());
                    continue;
                }
                return Optional.empty();
            }
            if (in.flow() != Flow.NEXT) return Optional.empty();
            if ((w & 0xFFC00000) == 0xF9400000) { // LDR Xt, [Xn, #imm12*8]
                if (in.rn() != 28 || !isGuard(((w >>> 10) & 0xFFF) * 8L)) return Optional.empty();
                guardDerived.add(in.rd());
                clobbered.add(in.rd());
            } else if ((w & 0x9F000000) == 0x91000000) { // 64-bit ADD/ADDS/SUB/SUBS immediate
                boolean setFlags = (w & 0x20000000) != 0;
                if (setFlags && in.rd() == Arm64Instruction.SP_OR_ZR) { // CMP/CMN Xn, #imm
                    if (!guardDerived.contains(in.rn())) return Optional.empty();
                    compared = true;
                } else {
                    int imm = (w >>> 10) & 0xFFF;
                    if (!setFlags && imm == 0 && spAliases.contains(in.rn())) spAliases.add(in.rd()); // MOVD RSP, Rd
                    else spAliases.remove(in.rd());
                    if (guardDerived.contains(in.rn())) guardDerived.add(in.rd());
                    else guardDerived.remove(in.rd());
                    clobbered.add(in.rd());
                }
            } else if ((w & 0x9F000000) == 0x8B000000) { // 64-bit ADD/ADDS/SUB/SUBS, shifted or extended register
                boolean setFlags = (w & 0x20000000) != 0;
                if (setFlags && in.rd() == Arm64Instruction.SP_OR_ZR) { // CMP Rm, Rn (Go operand order)
                    if (!guardDerived.contains(in.rm()) && !guardDerived.contains(in.rn())) return Optional.empty();
                    compared = true;
                    int other = guardDerived.contains(in.rm()) ? in.rn() : in.rm();
                    // in the shifted-register form register 31 is XZR, in the extended form (bit 21) it is SP
                    comparedSp = (w & 0x00200000) != 0 ? other == Arm64Instruction.SP_OR_ZR : spAliases.contains(other) && other != 31;
                } else {
                    spAliases.remove(in.rd());
                    if (guardDerived.contains(in.rn()) || guardDerived.contains(in.rm())) guardDerived.add(in.rd());
                    else guardDerived.remove(in.rd());
                    clobbered.add(in.rd());
                }
            } else if ((w & 0xFF800000) == 0xD2800000 || (w & 0xFF800000) == 0xF2800000 || (w & 0xFF800000) == 0x92800000) {
                spAliases.remove(in.rd()); // MOVZ / MOVK / MOVN: frame-size constant
                guardDerived.remove(in.rd());
                clobbered.add(in.rd());
            } else if ((w & 0xFF200000) == 0xAA000000) { // ORR Xd, XZR, Xm (MOVD Rm, Rd)
                spAliases.remove(in.rd());
                if (guardDerived.contains(in.rm())) guardDerived.add(in.rd());
                else guardDerived.remove(in.rd());
                clobbered.add(in.rd());
            } else {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static boolean arm64MorestackPath(MemorySegment code, long entry, long target) {
        long pos = target - entry;
        if (pos <= 0 || pos > code.byteSize() - 4 || (pos & 3) != 0) return false;
        boolean called = false;
        for (int n = 0; n < MAX_MORESTACK_PATH_INSTRUCTIONS && pos <= code.byteSize() - 4; n++, pos += 4) {
            Arm64Instruction in = Arm64Decoder.decode(code, pos, entry + pos);
            switch (in.flow()) {
                case NEXT -> {
                }
                case CALL -> called = true;
                case JUMP -> {
                    return called && in.target() == entry;
                }
                default -> {
                    return false;
                }
            }
        }
        return false;
    }

    private static List<String> names(Set<Integer> regs, String[] table) {
        List<String> out = new ArrayList<>(regs.size());
        for (int r : regs) {
            out.add(table != null ? table[r] : "R" + r);
        }
        return out;
    }
}
