// Functions whose prologues and returns the code analyzer tests check against go tool objdump.
package main

import (
	"fmt"
	"os"
)

var sink int

// sum reads a slice without letting it escape, so callers keep their arrays on the stack.
//
//go:noinline
func sum(b []byte) byte {
	var s byte
	for _, x := range b {
		s += x
	}
	return s
}

//go:noinline
func Small(a, b int) int {
	fmt.Sprint(a)
	return a + b
}

//go:noinline
func Large(n int) byte {
	var buf [512]byte
	for i := range buf {
		buf[i] = byte(i * n)
	}
	return buf[n&511] + sum(buf[:])
}

//go:noinline
func Huge(n int) byte {
	var buf [100000]byte
	for i := range buf {
		buf[i] = byte(i + n)
	}
	return buf[n%100000] + sum(buf[:])
}

//go:noinline
//go:nosplit
func NosplitLeaf(a, b int) int {
	return a*b + 1
}

//go:noinline
func Leaf(a int) int {
	return a * 3
}

//go:noinline
func ManyReturns(a int, s string) int {
	if a < 0 {
		return -1
	}
	if a == 0 {
		fmt.Println(s)
		return 0
	}
	if len(s) > a {
		return len(s)
	}
	switch a {
	case 7:
		return 70
	case 9:
		fmt.Println(s, a)
		return 90
	}
	sink += a
	return a + 1
}

//go:noinline
func PanicOnly(msg string) {
	panic("fatal: " + msg)
}

//go:noinline
func Forever(ch chan int) {
	for {
		sink += <-ch
	}
}

//go:noinline
func Target(a, b int) int {
	fmt.Sprint(a, b)
	return a - b
}

type T struct{ x int }

//go:noinline
func (t T) ValMethod(a int) int {
	return t.x + a
}

// Inner's method is promoted through Outer, so the compiler generates wrappers (main.Outer.Get,
// main.(*Outer).Get) that tail-jump to main.(*Inner).Get instead of returning.
type Inner struct{ v int }

//go:noinline
func (i *Inner) Get(a int) int {
	return i.v + a
}

type Outer struct {
	*Inner
}

type getter interface{ Get(int) int }

// Recursive grows the stack so the morestack path is exercised at run time.
//
//go:noinline
func Recursive(n int) int {
	var pad [64]byte
	pad[n&63] = byte(n)
	if n == 0 {
		return int(pad[0])
	}
	return Recursive(n-1) + int(pad[n&63])
}

func main() {
	if len(os.Args) > 5 {
		PanicOnly("x")
		Forever(nil)
	}
	getters := []getter{Outer{&Inner{3}}, &Outer{&Inner{4}}, &Inner{5}}
	for _, g := range getters[len(os.Args)%2:] {
		fmt.Println(g.Get(1))
	}
	var i interface{ ValMethod(int) int } = &T{1}
	fmt.Println(Small(1, 2), Large(3), Huge(4), NosplitLeaf(2, 3), Leaf(4), ManyReturns(9, "s"), Target(5, 6), i.ValMethod(2), Recursive(1000))
}
