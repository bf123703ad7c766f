// The gowarden demo: a small request-handling loop whose functions take strings, integers,
// booleans and pointers, so that `gowarden demo` has something real to trace.
package main

import (
	"flag"
	"fmt"
	"os"
	"time"
)

type Request struct {
	Method string
	Path   string
	Size   int
}

type Server struct {
	name    string
	handled int
}

//go:noinline
func greet(name string, n int) string {
	return fmt.Sprintf("hello %s #%d", name, n)
}

//go:noinline
func (s *Server) Handle(req *Request, user string, attempt int, authorized bool) int {
	s.handled++
	if !authorized {
		return 403
	}
	if req.Size > 1000 {
		return 413
	}
	return 200
}

//go:noinline
func logLine(level int, msg string, code int) {
	fmt.Fprintf(os.Stdout, "level=%d code=%d %s\n", level, code, msg)
}

func main() {
	count := flag.Int("n", 5, "number of requests to serve (0 = forever)")
	interval := flag.Duration("interval", 300*time.Millisecond, "pause between requests")
	quiet := flag.Bool("q", false, "do not print log lines")
	flag.Parse()

	users := []string{"alice", "bob", "carol", "dave"}
	paths := []string{"/", "/api/orders", "/api/users/42", "/healthz"}
	srv := &Server{name: "demo"}
	for i := 1; *count == 0 || i <= *count; i++ {
		user := users[i%len(users)]
		req := &Request{Method: "GET", Path: paths[i%len(paths)], Size: i * 300}
		msg := greet(user, i)
		code := srv.Handle(req, user, i, i%3 != 0)
		if !*quiet {
			logLine(1, msg+" "+req.Path, code)
		}
		time.Sleep(*interval)
	}
}
