// closures: each iteration has its own loop variable (Go 1.22+), captured by the closure.
package main

import (
	"fmt"
	"runtime"
	"sync"
)

func main() {
	runtime.GOMAXPROCS(1)
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fmt.Println("closure sees", i)
		}()
	}
	wg.Wait()
}
