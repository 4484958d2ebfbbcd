// gomaxprocs2_pipeline: two Ps, a producer and two consumers; each value is printed once.
package main

import (
	"fmt"
	"runtime"
	"sync"
)

func consume(id int, in chan int, wg *sync.WaitGroup) {
	defer wg.Done()
	for v := range in {
		fmt.Println("value", v)
	}
}

func main() {
	runtime.GOMAXPROCS(2)
	in := make(chan int, 4)
	var wg sync.WaitGroup
	wg.Add(2)
	go consume(1, in, &wg)
	go consume(2, in, &wg)
	for i := range 6 {
		in <- i
	}
	close(in)
	wg.Wait()
	fmt.Println("finished")
}
