// runnext_order: with GOMAXPROCS 1 the last goroutine created runs first (it is in runnext),
// then the others in creation order from the local queue.
package main

import (
	"fmt"
	"runtime"
	"sync"
)

func say(id int, wg *sync.WaitGroup) {
	defer wg.Done()
	fmt.Println("goroutine", id)
}

func main() {
	runtime.GOMAXPROCS(1)
	var wg sync.WaitGroup
	for i := range 5 {
		wg.Add(1)
		go say(i, &wg)
	}
	wg.Wait()
	fmt.Println("all done")
}
