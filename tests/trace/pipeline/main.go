// Writes an execution trace (runtime/trace) of a three-stage channel pipeline — a producer,
// two workers that compute on each item, a collector — to the file named by the first
// argument, at GOMAXPROCS 2. Used by tests/trace_replay.rs.
package main

import (
	"os"
	"runtime"
	"runtime/trace"
	"sync"
)

func spin(n int) int {
	x := 0
	for i := 0; i < n; i++ {
		x += i ^ (x >> 3)
	}
	return x
}

func main() {
	runtime.GOMAXPROCS(2)
	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	defer f.Close()
	if err := trace.Start(f); err != nil {
		panic(err)
	}
	jobs := make(chan int)
	results := make(chan int, 4)
	var wg sync.WaitGroup
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				results <- spin(200_000 + j%5*50_000)
			}
		}()
	}
	go func() {
		for i := 0; i < 60; i++ {
			_ = spin(20_000)
			jobs <- i
		}
		close(jobs)
	}()
	go func() {
		wg.Wait()
		close(results)
	}()
	sum := 0
	for r := range results {
		sum += r
	}
	_ = sum
	trace.Stop()
}
