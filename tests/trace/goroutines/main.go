// Writes an execution trace (runtime/trace) of goroutines that talk over channels and wait
// on a WaitGroup, to the file named by the first argument. Used by tests/trace.rs.
package main

import (
	"os"
	"runtime/trace"
	"sync"
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
	ch := make(chan int)
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			ch <- i * i
		}(i)
	}
	sum := 0
	for i := 0; i < 20; i++ {
		sum += <-ch
	}
	wg.Wait()
	if sum != 2470 {
		panic("wrong sum")
	}
	trace.Stop()
}
