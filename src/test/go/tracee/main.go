// Test program for gowarden's end-to-end tests: calls functions with known arguments, a fixed number of times,
// after waiting for a start signal (a line on stdin, or -wait=false), so probes are attached before the first call.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"strings"
)

type Point struct{ X, Y int }

type Store struct{ name string }

//go:noinline
func Ints(a int, b int8, c int16, d int32, e int64, f uint8, g uint64, h bool) int {
	return a + int(b)
}

//go:noinline
func Strs(s string, n int, empty string, long string) int {
	return len(s) + n + len(empty) + len(long)
}

//go:noinline
func (s *Store) Put(key string, value int, p *Point) bool {
	return len(key) > value
}

//go:noinline
func Many(a1, a2, a3, a4, a5, a6, a7, a8 int, s string, z int) int {
	return a1 + z + len(s)
}

//go:noinline
func Grow(depth int, tag string) int {
	// A large frame forces a stack check with a bigger threshold; recursion grows the goroutine stack,
	// so the prologue's morestack path runs and the entry would fire twice for one call.
	var buf [512]byte
	buf[depth%512] = byte(depth)
	if depth == 0 {
		return int(buf[0])
	}
	return Grow(depth-1, tag) + int(buf[depth%512])
}

func main() {
	wait := flag.Bool("wait", true, "wait for a line on stdin before calling")
	rounds := flag.Int("rounds", 3, "how many rounds of calls")
	flag.Parse()
	if *wait {
		bufio.NewReader(os.Stdin).ReadString('\n')
	}
	st := &Store{name: "s"}
	long := strings.Repeat("x", 300)
	total := 0
	for i := 0; i < *rounds; i++ {
		total += Ints(-5-i, -8, 300, -70000, 1<<40, 200, 18446744073709551615, i%2 == 0)
		total += Strs(fmt.Sprintf("héllo-%d", i), i, "", long)
		p := &Point{X: i, Y: 2}
		if st.Put("key", i, p) {
			total++
		}
		total += Many(1, 2, 3, 4, 5, 6, 7, 8, "stack-string", 10+i)
		done := make(chan int)
		go func(i int) { done <- Grow(40, fmt.Sprintf("g%d", i)) }(i)
		total += <-done
	}
	fmt.Println("total", total)
}
