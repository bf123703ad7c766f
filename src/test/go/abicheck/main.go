// Test program for gowarden's ABI check: functions with signatures that exercise every register-assignment rule of
// Go's ABIInternal (cmd/compile/abi-internal.md). The test reads the compiler's DWARF location lists at each
// function's entry and compares them with dev.gowarden.abi.AbiLayouts. Every parameter is used, so the compiler
// keeps a location for it.
package main

import (
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"
	"unsafe"
)

var sinkv []any

//go:noinline
func sink(xs ...any) {
	sinkv = append(sinkv, xs...)
}

type Point struct{ X, Y int }

type Mixed struct {
	A int32
	B float64
	C string
}

type Inner struct {
	X int8
	Y float32
}

type Outer struct {
	A [1]Inner
	B Inner
	C uint16
}

type Ten struct{ A, B, C, D, E, F, G, H, I, J int }

type Duration int64

type MyString string

type Stringer interface{ String() string }

type T struct {
	X int
	F float64
}

type List[E any] struct {
	items []E
}

//go:noinline
func Ints(a int, b int8, c int16, d int32, e int64, f uint, g uint8, h uint16, i uint32, j uint64) int {
	sink(a, b, c, d, e, f, g, h, i, j)
	return a
}

//go:noinline
func Bools(a bool, b bool, c uintptr, d rune, e byte) bool {
	sink(a, b, c, d, e)
	return a
}

//go:noinline
func Strs(s string, t string, u string, v string, w string) string {
	sink(s, t, u, v, w)
	return s
}

//go:noinline
func Slices(a []int, b []string, c []byte, d [][]int) int {
	sink(a, b, c, d)
	return len(a)
}

//go:noinline
func Ifaces(e error, a any, r io.Reader, s Stringer, w io.Writer) int {
	sink(e, a, r, s, w)
	return 1
}

//go:noinline
func StructMix(p Mixed, x int) (int, string) {
	sink(p, x)
	return x, p.C
}

//go:noinline
func AnonStruct(p struct {
	A int32
	B float64
	C string
}, x uint8) int {
	sink(p, x)
	return int(x)
}

//go:noinline
func Arrays(a0 [0]int, a1 [1]int, a2 [2]int, x int, a1s [1]string, a2f [2]float64, y int) int {
	sink(a0, a1, a2, x, a1s, a2f, y)
	return x
}

//go:noinline
func Many(a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11 int) int {
	sink(a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11)
	return a1
}

//go:noinline
func StrNoFit(a1, a2, a3, a4, a5, a6, a7, a8 int, s string, z int) int {
	sink(a1, a2, a3, a4, a5, a6, a7, a8, s, z)
	return a1
}

//go:noinline
func SliceNoFit(a1, a2, a3, a4, a5, a6, a7 int, b []int, z int, s string) int {
	sink(a1, a2, a3, a4, a5, a6, a7, b, z, s)
	return a1
}

//go:noinline
func ManyArm(a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15 int, s string, z int, b bool) int {
	sink(a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, s, z, b)
	return a1
}

//go:noinline
func Floats(f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13, f14, f15, f16, f17 float64, i int, g float32) float64 {
	sink(f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13, f14, f15, f16, f17, i, g)
	return f1
}

//go:noinline
func Complex(c64 complex64, c128 complex128, f float32, x int) complex128 {
	sink(c64, c128, f, x)
	return c128
}

//go:noinline
func Nested(o Outer, p Point, q *Point) int {
	sink(o, p, q)
	return p.X
}

//go:noinline
func BigStruct(a int, b Ten, c int) int {
	sink(a, b, c)
	return a
}

//go:noinline
func Zero(a struct{}, b int, c [0]string, d struct{ E struct{} }, e int8) int {
	sink(a, b, c, d, e)
	return b
}

//go:noinline
func Refs(m map[string]int, c chan int, f func(int) int, p *int, u unsafe.Pointer, r <-chan string) int {
	sink(m, c, f, p, u, r)
	return 0
}

//go:noinline
func Named(d Duration, s MyString, p Point, e *os.File) Duration {
	sink(d, s, p, e)
	return d
}

//go:noinline
func Results() (int, string, float64, error) {
	return 1, "r", 2.5, nil
}

//go:noinline
func (t *T) PtrMethod(a int, s string) string {
	sink(t, a, s)
	return s
}

//go:noinline
func (t T) ValMethod(a int, b float32) int {
	sink(t, a, b)
	return a
}

//go:noinline
func (p Point) Sum(k int8) int {
	sink(p, k)
	return p.X + p.Y
}

//go:noinline
func Map[K comparable, V any](m map[K]V, k K) V {
	sink(m, k)
	return m[k]
}

//go:noinline
func Pair[A any, B any](a A, b B, n int) int {
	sink(a, b, n)
	return n
}

//go:noinline
func (l *List[E]) Push(v E) {
	sink(l, v)
	l.items = append(l.items, v)
}

// printLayouts prints each type's size and field offsets as the runtime's type information has them (an
// independent source for the DWARF reader's struct layouts): "main.Mixed 32 A@0 B@8 C@16".
func printLayouts() {
	for _, v := range []any{Mixed{}, Outer{}, Inner{}, Point{}, Ten{}, T{}, struct{ E struct{} }{}, List[string]{}} {
		t := reflect.TypeOf(v)
		var parts []string
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			parts = append(parts, fmt.Sprintf("%s@%d", f.Name, f.Offset))
		}
		fmt.Println(t.String(), t.Size(), strings.Join(parts, " "))
	}
}

//go:noinline
func StructNoFit(a1, a2, a3, a4, a5, a6, a7, a8 int, p Point, z int) int {
	sink(a1, a2, a3, a4, a5, a6, a7, a8, p, z)
	return z
}

//go:noinline
func ComplexNoFit(f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13, f14 float64, c complex128, x float64, n int8) float64 {
	sink(f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13, f14, c, x, n)
	return x
}

//go:noinline
func Wrap[V any](v V, k int) func(int, string) V {
	return func(n int, s string) V {
		sink(n, s, k)
		return v
	}
}

//go:noinline
func (l List[E]) Len(extra E) int {
	sink(l, extra)
	return len(l.items)
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "layout" {
		printLayouts()
		return
	}
	var x int = 3
	Ints(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)
	Bools(true, false, 3, 'x', 'y')
	Strs("a", "b", "c", "d", "e")
	Slices([]int{1}, []string{"x"}, []byte("y"), nil)
	Ifaces(nil, 1, os.Stdin, nil, os.Stdout)
	StructMix(Mixed{1, 2, "c"}, 4)
	AnonStruct(struct {
		A int32
		B float64
		C string
	}{1, 2, "c"}, 5)
	Arrays([0]int{}, [1]int{1}, [2]int{2, 3}, 4, [1]string{"s"}, [2]float64{1, 2}, 5)
	Many(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
	StrNoFit(1, 2, 3, 4, 5, 6, 7, 8, "s", 9)
	SliceNoFit(1, 2, 3, 4, 5, 6, 7, []int{8}, 9, "s")
	ManyArm(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, "s", 16, true)
	Floats(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19)
	Complex(1+2i, 3+4i, 5, 6)
	Nested(Outer{[1]Inner{{1, 2}}, Inner{3, 4}, 5}, Point{6, 7}, &Point{8, 9})
	BigStruct(1, Ten{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 2)
	Zero(struct{}{}, 1, [0]string{}, struct{ E struct{} }{}, 2)
	Refs(map[string]int{"a": 1}, make(chan int), func(i int) int { return i }, &x, unsafe.Pointer(&x), make(chan string))
	Named(5, "n", Point{1, 2}, os.Stdout)
	fmt.Println(Results())
	t := &T{1, 2}
	t.PtrMethod(1, "m")
	t.ValMethod(2, 3)
	Point{1, 2}.Sum(3)
	Map(map[string]int{"a": 1}, "a")
	Map(map[int]float64{1: 2}, 1)
	Pair("a", 2.5, 3)
	Pair(Point{1, 2}, []int{3}, 4)
	l := &List[string]{}
	l.Push("v")
	li := &List[int]{}
	li.Push(4)
	StructNoFit(1, 2, 3, 4, 5, 6, 7, 8, Point{9, 10}, 11)
	ComplexNoFit(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15+16i, 17, 18)
	Wrap("w", 1)(2, "x")
	Wrap(2.5, 1)(3, "y")
	List[string]{}.Len("e")
	fmt.Println(len(sinkv))
}
