// Test program for cgo builds (external linking): C start-up code comes before Go's text, so the pclntab's
// text start differs from the .text section address.
package main

/*
static int c_add(int a, int b) { return a + b; }
*/
import "C"

import (
	"fmt"
	"os"
)

//go:noinline
func GoAdd(a, b int) int { return int(C.c_add(C.int(a), C.int(b))) }

func main() {
	fmt.Println(GoAdd(1, len(os.Args)))
}
