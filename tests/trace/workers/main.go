// Writes an execution trace (runtime/trace) of CPU-bound workers, to the file named by the
// first argument, at the GOMAXPROCS named by the second. Used by tests/trace_replay.rs: the
// replay of its trace, simulated at the same GOMAXPROCS, should keep every P busy as the real
// run did.
package main

import (
	"os"
	"runtime"
	"runtime/trace"
	"strconv"
	"sync"
)

func spin(n int) int {
	x := 0
	for i := 0; i < n; i++ {
		x += i ^ (x >> 3)
	}
	return x
}

var sink int

func main() {
	procs, err := strconv.Atoi(os.Args[2])
	if err != nil {
		panic(err)
	}
	runtime.GOMAXPROCS(procs)
	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	defer f.Close()
	if err := trace.Start(f); err != nil {
		panic(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			x := spin(4_000_000 + 1_000_000*(i%3))
			mu.Lock()
			sink += x
			mu.Unlock()
		}(i)
	}
	wg.Wait()
	trace.Stop()
}
