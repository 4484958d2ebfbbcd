// range_spawn: a goroutine started for each value a range over a channel receives; each
// captures its own v (per-iteration loop variables, Go 1.22+), or gets it as an argument.
package main

import (
	"fmt"
	"runtime"
	"sync"
)

func handle(id int, wg *sync.WaitGroup) {
	defer wg.Done()
	fmt.Println("handled", id)
}

func main() {
	runtime.GOMAXPROCS(1)
	jobs := make(chan int, 4)
	var wg sync.WaitGroup
	for i := range 4 {
		jobs <- i
	}
	close(jobs)
	for v := range jobs {
		wg.Add(2)
		go func() {
			defer wg.Done()
			fmt.Println("job", v)
		}()
		go handle(v, &wg)
	}
	wg.Wait()
	fmt.Println("done")
}
