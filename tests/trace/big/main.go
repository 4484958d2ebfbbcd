// Writes a large execution trace (runtime/trace) to the file named by the first argument: pairs
// of goroutines passing a value back and forth over unbuffered channels at GOMAXPROCS 4 (every
// pass blocks one goroutine and wakes the other: several events each) until the trace file
// holds at least the number of bytes named by the second argument. Used by the page's
// end-to-end test (tests/e2e/trace.test.mjs: progress and Cancel on a big trace) and its
// benchmark (tests/e2e/trace_bench.mjs: the page's reading speed against gmpsim's).
package main

import (
	"os"
	"runtime"
	"runtime/trace"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	want, err := strconv.ParseInt(os.Args[2], 10, 64)
	if err != nil {
		panic(err)
	}
	runtime.GOMAXPROCS(4)
	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	defer f.Close()
	if err := trace.Start(f); err != nil {
		panic(err)
	}
	var stop atomic.Bool
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		ping, pong := make(chan int), make(chan int)
		wg.Add(2)
		go func() {
			defer wg.Done()
			for n := 0; !stop.Load(); n++ {
				ping <- n
				<-pong
			}
			close(ping)
		}()
		go func() {
			defer wg.Done()
			for n := range ping {
				pong <- n
			}
		}()
	}
	for {
		time.Sleep(20 * time.Millisecond)
		st, err := f.Stat()
		if err != nil {
			panic(err)
		}
		if st.Size() >= want {
			break
		}
	}
	stop.Store(true)
	wg.Wait()
	trace.Stop()
}
