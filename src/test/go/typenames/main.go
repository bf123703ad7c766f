// Test program for gowarden's type names: prints, for values of many kinds, the address of the dynamic type's
// descriptor (an interface's first word) and reflect's name of that type, then waits for a line on stdin (so the
// test can read /proc/PID/maps of a PIE build while it runs).
package main

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"reflect"
	"syscall"
	"unsafe"
)

type Celsius float64

type Pair[K comparable, V any] struct {
	Key K
	Val V
}

type wrapped struct{ msg string }

func (w *wrapped) Error() string { return w.msg }

func main() {
	values := []any{
		errors.New("plain"),
		fmt.Errorf("wrapped: %w", errors.New("inner")),
		&fs.PathError{Op: "open", Path: "/x", Err: syscall.ENOENT},
		syscall.Errno(2),
		&url.Error{Op: "Get", URL: "u", Err: errors.New("e")},
		&wrapped{"w"},
		42,
		"text",
		Celsius(36.6),
		[]int{1},
		map[string][]byte{},
		[3]uint16{},
		struct{ A int }{1},
		Pair[string, int]{"a", 1},
		&Pair[int, error]{},
		make(chan int),
		func(int) string { return "" },
		new(**os.File),
	}
	for _, v := range values {
		addr := (*[2]uintptr)(unsafe.Pointer(&v))[0]
		fmt.Printf("0x%x %s\n", addr, reflect.TypeOf(v).String())
	}
	os.Stdout.Sync()
	bufio.NewReader(os.Stdin).ReadString('\n')
}
