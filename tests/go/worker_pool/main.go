// worker_pool: three workers range over a buffered jobs channel until it is closed.
package main

import (
	"fmt"
	"runtime"
	"sync"
)

const workers = 3

func worker(id int, jobs chan int, results chan int, wg *sync.WaitGroup) {
	defer wg.Done()
	for j := range jobs {
		fmt.Printf("worker %d got job %d\n", id, j)
		results <- j
	}
}

func main() {
	runtime.GOMAXPROCS(1)
	jobs := make(chan int, 10)
	results := make(chan int, 10)
	var wg sync.WaitGroup
	for w := 1; w <= workers; w++ {
		wg.Add(1)
		go worker(w, jobs, results, &wg)
	}
	for i := range 5 {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	close(results)
	for r := range results {
		fmt.Println("result", r)
	}
}
