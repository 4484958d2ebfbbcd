// gosched_turns: runtime.Gosched puts the caller at the tail of the global queue, so two
// goroutines take turns.
package main

import (
	"fmt"
	"runtime"
	"sync"
)

func turns(name string, wg *sync.WaitGroup) {
	defer wg.Done()
	for i := range 3 {
		fmt.Println(name, i)
		runtime.Gosched()
	}
}

func main() {
	runtime.GOMAXPROCS(1)
	var wg sync.WaitGroup
	wg.Add(2)
	go turns("ping", &wg)
	go turns("pong", &wg)
	wg.Wait()
}
