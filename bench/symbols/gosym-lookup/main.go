// gosym-lookup: the reference for bench/symbols: finds one function by exact name with Go's own
// debug/elf + debug/gosym, reading the same binary gowarden reads. Prints "name entry end".
package main

import (
	"debug/elf"
	"debug/gosym"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: gosym-lookup BINARY FUNCNAME")
		os.Exit(2)
	}
	f, err := elf.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	sect := f.Section(".gopclntab")
	if sect == nil {
		fmt.Fprintln(os.Stderr, "no .gopclntab")
		os.Exit(1)
	}
	data, err := sect.Data()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	// Go 1.20+ writes magic 0xFFFFFFF1; its layout is the 1.18 one for everything debug/gosym reads
	// (Go 1.20's gosym handles both magics with the same code). A Go 1.19 toolchain does not know the new
	// magic, so present the table as 0xFFFFFFF0. data is a private copy of the section.
	if len(data) >= 4 && data[0] == 0xf1 && data[1] == 0xff && data[2] == 0xff && data[3] == 0xff && !knowsGo120Magic() {
		data[0] = 0xf0
	}
	text := f.Section(".text").Addr
	if syms, err := f.Symbols(); err == nil {
		for _, s := range syms {
			if s.Name == "runtime.text" {
				text = s.Value
			}
		}
	}
	tab, err := gosym.NewTable(nil, gosym.NewLineTable(data, text))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fn := tab.LookupFunc(os.Args[2])
	if fn == nil {
		fmt.Fprintln(os.Stderr, "not found:", os.Args[2])
		os.Exit(1)
	}
	fmt.Printf("%s 0x%x 0x%x\n", fn.Name, fn.Entry, fn.End)
}

// knowsGo120Magic reports whether this program's own debug/gosym (the toolchain that built it) is 1.20 or newer.
func knowsGo120Magic() bool {
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
