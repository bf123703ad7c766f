// gosymdump prints every function of a Go binary's pclntab as "0xENTRY NAME", one per line, using Go's own
// debug/elf and debug/gosym: the reference gowarden's function list is compared against.
//
// It locates the table itself (section .gopclntab or .data.rel.ro.gopclntab, symbol runtime.pclntab, or the
// first section holding a valid pclntab header) and picks the text start debug/gosym needs for 1.18+ tables:
// the runtime.text symbol, else the header's textStart field when non-zero, else the .text address.
// The first line, starting with '#', says which it used.
package main

import (
	"bufio"
	"bytes"
	"debug/elf"
	"debug/gosym"
	"encoding/binary"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: gosymdump BINARY")
		os.Exit(2)
	}
	if err := dump(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "gosymdump:", err)
		os.Exit(1)
	}
}

func dump(path string) error {
	f, err := elf.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	syms, _ := f.Symbols() // stripped binaries have none
	symbol := func(name string) (elf.Symbol, bool) {
		for _, s := range syms {
			if s.Name == name {
				return s, true
			}
		}
		return elf.Symbol{}, false
	}

	var data []byte
	where := ""
	for _, name := range []string{".gopclntab", ".data.rel.ro.gopclntab"} {
		if s := f.Section(name); s != nil {
			if data, err = s.Data(); err != nil {
				return err
			}
			where = "section " + name
			break
		}
	}
	if data == nil {
		if s, ok := symbol("runtime.pclntab"); ok {
			end, _ := symbol("runtime.epclntab")
			data, err = readAddr(f, s.Value, end.Value)
			if err != nil {
				return err
			}
			where = "symbol runtime.pclntab"
		}
	}
	if data == nil {
		data, where = scan(f)
	}
	if data == nil {
		return fmt.Errorf("%s: no pclntab found", path)
	}
	data = append([]byte(nil), data...)
	magic := binary.LittleEndian.Uint32(data)
	// Go 1.20+ writes magic 0xFFFFFFF1 with the 1.18 layout for everything debug/gosym reads here (Go 1.20's
	// gosym treats both magics alike); a debug/gosym older than 1.20 does not know it, so present it as 1.18's.
	if magic == 0xfffffff1 && !gosymKnowsGo120() {
		binary.LittleEndian.PutUint32(data, 0xfffffff0)
	}

	text := uint64(0)
	textFrom := "none"
	if s := f.Section(".text"); s != nil {
		text, textFrom = s.Addr, "section .text"
	}
	if magic == 0xfffffff0 || magic == 0xfffffff1 {
		if v := binary.LittleEndian.Uint64(data[8+2*8:]); v != 0 {
			text, textFrom = v, "header textStart"
		}
	}
	if s, ok := symbol("runtime.text"); ok {
		text, textFrom = s.Value, "symbol runtime.text"
	}

	tab, err := gosym.NewTable(nil, gosym.NewLineTable(data, text))
	if err != nil {
		return err
	}
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	fmt.Fprintf(w, "# magic=0x%x pclntab=%q text=0x%x from=%q funcs=%d\n", magic, where, text, textFrom, len(tab.Funcs))
	for _, fn := range tab.Funcs {
		fmt.Fprintf(w, "0x%x %s\n", fn.Entry, fn.Name)
	}
	return nil
}

// readAddr returns the file bytes from vaddr start to end (or to the end of its section when end is 0).
func readAddr(f *elf.File, start, end uint64) ([]byte, error) {
	for _, s := range f.Sections {
		if s.Type == elf.SHT_NOBITS || start < s.Addr || start >= s.Addr+s.Size {
			continue
		}
		d, err := s.Data()
		if err != nil {
			return nil, err
		}
		lo := start - s.Addr
		hi := uint64(len(d))
		if end > start && end-s.Addr <= hi {
			hi = end - s.Addr
		}
		return d[lo:hi], nil
	}
	return nil, fmt.Errorf("address 0x%x is in no section", start)
}

// scan finds a pclntab header in an allocated, non-executable section: a known magic at a 4-byte boundary,
// bytes 4-5 zero, a PC quantum of 1, 2 or 4, pointer size 8, and a table gosym parses into functions.
func scan(f *elf.File) ([]byte, string) {
	magics := [][]byte{{0xfb, 0xff, 0xff, 0xff, 0, 0}, {0xfa, 0xff, 0xff, 0xff, 0, 0}, {0xf0, 0xff, 0xff, 0xff, 0, 0}, {0xf1, 0xff, 0xff, 0xff, 0, 0}}
	for _, s := range f.Sections {
		if s.Type == elf.SHT_NOBITS || s.Flags&elf.SHF_ALLOC == 0 || s.Flags&elf.SHF_EXECINSTR != 0 {
			continue
		}
		d, err := s.Data()
		if err != nil {
			continue
		}
		for off := 0; off+16 <= len(d); off += 4 {
			ok := false
			for _, m := range magics {
				if bytes.Equal(d[off:off+6], m) {
					ok = true
				}
			}
			if !ok || (d[off+6] != 1 && d[off+6] != 2 && d[off+6] != 4) || d[off+7] != 8 {
				continue
			}
			cand := d[off:]
			probe := append([]byte(nil), cand...)
			if binary.LittleEndian.Uint32(probe) == 0xfffffff1 && !gosymKnowsGo120() {
				binary.LittleEndian.PutUint32(probe, 0xfffffff0)
			}
			if t, err := gosym.NewTable(nil, gosym.NewLineTable(probe, 0)); err == nil && len(t.Funcs) > 0 && printable(t.Funcs[0].Name) {
				return cand, fmt.Sprintf("scan of section %s", s.Name)
			}
		}
	}
	return nil, ""
}

func printable(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	return true
}

// gosymKnowsGo120 reports whether the toolchain that built this program (hence its debug/gosym) is 1.20+.
func gosymKnowsGo120() bool {
	v := strings.TrimPrefix(runtime.Version(), "go")
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		return true // a devel toolchain
	}
	major, err1 := strconv.Atoi(parts[0])
	minor, err2 := strconv.Atoi(strings.TrimRightFunc(parts[1], func(r rune) bool { return r < '0' || r > '9' }))
	if err1 != nil || err2 != nil {
		return true
	}
	return major > 1 || minor >= 20
}
