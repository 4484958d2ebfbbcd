// wg_go: sync.WaitGroup.Go (Go 1.25) starts goroutines that print what they capture.
package main

import (
	"fmt"
	"runtime"
	"sync"
)

func main() {
	runtime.GOMAXPROCS(1)
	var wg sync.WaitGroup
	for i := range 3 {
		wg.Go(func() {
			fmt.Println("task", i)
		})
	}
	wg.Wait()
	fmt.Println("tasks done")
}
