// Test program for return probes and call timing: functions with known results, several return sites, known
// durations, recursion, a stack that moves during a call, and a call left by a panic. Waits for a line on stdin
// (probes attached), runs each case once, prints what the probes should see.
package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"time"
	"unsafe"
)

var errDivide = errors.New("divide by zero")

//go:noinline
func Divide(a, b int) (q int, err error) {
	if b == 0 {
		return 0, errDivide
	}
	return a / b, nil
}

//go:noinline
func Greet(name string, n int) string {
	return fmt.Sprintf("hello %s #%d", name, n)
}

//go:noinline
func Sleep(ms int) int {
	time.Sleep(time.Duration(ms) * time.Millisecond)
	return ms
}

//go:noinline
func Fib(n int) int {
	if n < 2 {
		return n
	}
	return Fib(n-1) + Fib(n-2)
}

//go:noinline
func deep(n int) int {
	var pad [256]byte
	pad[n%256] = byte(n)
	if n == 0 {
		return int(pad[0])
	}
	return deep(n-1) + int(pad[n%256])
}

var before, after uintptr

// Moved runs on a fresh goroutine (a small stack): the deep recursion it calls grows the stack, which the runtime
// copies elsewhere, so Moved's own frame is at another address when it returns than when it was entered.
//
//go:noinline
func Moved(n int) int {
	var local int
	before = uintptr(unsafe.Pointer(&local))
	r := deep(n)
	after = uintptr(unsafe.Pointer(&local))
	return r + local
}

// Count takes values read through their pointers: a map's count, a channel's count and size, an interface's
// dynamic type, an error's text.
//
//go:noinline
func Count(m map[string]int, c chan int, v any, e error) int {
	return len(m) + cap(c)
}

type Point3 struct {
	X    int32
	Y    float64
	Name string
}

// Visit takes pointers whose pointees the probe reads (floats too: they are in memory, not in registers).
//
//go:noinline
func Visit(p *Point3, s *string, n *int, none *Point3) int {
	return int(p.X) + len(*s) + *n
}

type Wide struct {
	A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P, Q, R, S, T int
	U, V, W, X, Y, Z, AA, AB, AC, AD, AE, AF, AG, AH, AI, AJ  int
}

// Big's pointee needs more words than a probe has: the last argument must still be captured.
//
//go:noinline
func Big(w *Wide, last int) int {
	return w.A + last
}

// Sum takes slices whose first elements the probe reads through their data pointers.
//
//go:noinline
func Sum(xs []int, names []string, fs []float64, empty []int, none []int) int {
	return len(xs) + len(names) + len(fs)
}

type Ticks chan int
type Headers map[string][]string
type Token interface{}

// Named takes a named channel, map and empty interface: their kinds come from DWARF, not from how they are spelt.
//
//go:noinline
func Named(t Ticks, h Headers, tok Token) int {
	return len(t) + len(h)
}

// Peek never dereferences p: the test passes a pointer to unmapped memory.
//
//go:noinline
func Peek(p *Point3) bool {
	return p != nil
}

// Max has two instantiations; Go 1.18-1.20 give both the pclntab name main.Max[...].
//
//go:noinline
func Max[T int | string](a, b T) T {
	if a > b {
		return a
	}
	return b
}

//go:noinline
func MayPanic(fail bool) int {
	if fail {
		panic("boom")
	}
	return 7
}

func callRecovering(fail bool) (r int) {
	defer func() {
		if recover() != nil {
			r = -1
		}
	}()
	return MayPanic(fail)
}

func main() {
	bufio.NewReader(os.Stdin).ReadString('\n')
	q, err := Divide(7, 2)
	fmt.Println("divide", q, err)
	q, err = Divide(1, 0)
	fmt.Println("divide", q, err)
	fmt.Println("greet", Greet("bob", 5))
	fmt.Println("sleep", Sleep(30))
	fmt.Println("fib", Fib(5))
	c := make(chan int, 3)
	c <- 1
	fmt.Println("count", Count(map[string]int{"a": 1, "b": 2}, c, 42, os.ErrNotExist))
	text, seven := "hi", 7
	fmt.Println("visit", Visit(&Point3{X: -3, Y: 2.5, Name: "pt"}, &text, &seven, nil))
	fmt.Println("big", Big(&Wide{A: 1, B: 2}, 99))
	ticks := make(Ticks, 4)
	ticks <- 1
	ticks <- 2
	fmt.Println("named", Named(ticks, Headers{"a": nil}, Token(errors.New("tok"))))
	fmt.Println("max", Max(1, 2), Max("a", "b"))
	fmt.Println("peek", Peek((*Point3)(unsafe.Pointer(uintptr(0x1000)))))
	fmt.Println("sum", Sum([]int{10, -20, 30, 40, 50, 60}, []string{"ab", "c", "d"}, []float64{1.5}, []int{}, nil))
	done := make(chan int)
	go func() { done <- Moved(200) }()
	<-done
	fmt.Println("moved", before != after)
	fmt.Println("panic", callRecovering(true))
	time.Sleep(300 * time.Millisecond)
	fmt.Println("panic", callRecovering(false))
}
