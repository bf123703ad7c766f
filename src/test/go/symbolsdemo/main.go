// Test program for the Go binary layer (dev.gowarden.golang): functions, value and pointer methods, closures,
// method values and generic instantiations, so name lookup can be checked against Go's own tables.
package main

import (
	"fmt"
	"os"
	"strings"
)

type T struct{ X int }

//go:noinline
func (t *T) Method(a int, s string) string { return strings.Repeat(s, a+t.X) }

//go:noinline
func (t T) ValMethod(a int) int { return t.X + a }

type List[E any] struct{ items []E }

//go:noinline
func (l *List[E]) Push(v E) { l.items = append(l.items, v) }

//go:noinline
func Map[K comparable, V any](m map[K]V, k K) V { return m[k] }

//go:noinline
func Plain(a int, b string) int { return a + len(b) }

func main() {
	t := &T{X: 1}
	fmt.Println(t.Method(2, "ab"), t.ValMethod(3), Plain(1, os.Getenv("HOME")))
	f := t.ValMethod
	add := func(x int) int { return x + f(1) }
	fmt.Println(add(2))
	done := make(chan int)
	go func() { done <- Plain(2, "x") }() // a closure that cannot be inlined (main.main.func2; the one above is inlined)
	fmt.Println(<-done)
	var li List[int]
	li.Push(1)
	var ls List[string]
	ls.Push("x")
	fmt.Println(Map(map[string]int{"a": 1}, "a"), Map(map[int]string{1: "b"}, 1), len(li.items), len(ls.items))
}
