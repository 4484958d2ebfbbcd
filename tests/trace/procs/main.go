// Writes an execution trace (runtime/trace) of a program that changes GOMAXPROCS while
// goroutines sleep and compute, long enough to span several generations (the runtime starts
// one about every second), to the file named by the first argument. Used by tests/trace.rs;
// tests/trace/fixtures/procs-go1.26.6.trace (the benchmark's event-dense trace) is its output
// with Go 1.26.6:
//
//	cd tests/trace/procs && GOTOOLCHAIN=local GO111MODULE=off go run main.go ../fixtures/procs-go1.26.6.trace
package main

import (
	"os"
	"runtime"
	"runtime/trace"
	"sync"
	"time"
)

func main() {
	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	defer f.Close()
	if err := trace.Start(f); err != nil {
		panic(err)
	}
	deadline := time.Now().Add(2500 * time.Millisecond)
	for round, procs := 0, 1; time.Now().Before(deadline); round, procs = round+1, procs%4+1 {
		runtime.GOMAXPROCS(procs)
		var wg sync.WaitGroup
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				time.Sleep(time.Duration(i) * time.Millisecond)
				x := 0
				for j := 0; j < 200_000; j++ {
					x += j * i
				}
				_ = x
			}(i)
		}
		wg.Wait()
		time.Sleep(20 * time.Millisecond)
	}
	runtime.GOMAXPROCS(3)
	trace.Stop()
}
