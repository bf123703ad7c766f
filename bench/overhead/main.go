// Benchmark target: calls main.f(s string, n int) in a tight loop and prints the mean nanoseconds per call.
// Traced and untraced runs of the same loop give the per-call cost of a probe.
package main

import (
	"flag"
	"fmt"
	"time"
)

var sink int

//go:noinline
func f(s string, n int) int {
	return len(s) + n
}

func main() {
	n := flag.Int("n", 1000000, "calls")
	flag.Parse()
	words := []string{"alpha", "bravo-charlie", "delta", "echo-foxtrot-golf"}
	start := time.Now()
	for i := 0; i < *n; i++ {
		sink += f(words[i&3], i)
	}
	el := time.Since(start)
	fmt.Printf("%.1f\n", float64(el.Nanoseconds())/float64(*n))
}
