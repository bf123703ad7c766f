// Test program for gowarden's DWARF reader: a cgo binary whose C part gcc compiles with its default DWARF
// version (5 for gcc 11+), so the file mixes Go's DWARF 4 units with DWARF 5 units that use .debug_str_offsets,
// .debug_addr, .debug_loclists and .debug_rnglists.
package main

/*
#cgo CFLAGS: -O2 -g
__attribute__((noinline)) long cadd(int a, long b, double c, const char *s) { return a + b + (long)c + s[0]; }
*/
import "C"
import "fmt"

//go:noinline
func GoSide(n int, s string) int {
	return int(C.cadd(C.int(n), 2, 3.0, C.CString(s)))
}

func main() { fmt.Println(GoSide(1, "x")) }
