// locked_thread: a goroutine locked to its thread prints between Lock and UnlockOSThread.
package main

import (
	"fmt"
	"runtime"
	"sync"
)

func pinned(wg *sync.WaitGroup) {
	defer wg.Done()
	runtime.LockOSThread()
	fmt.Println("pinned start")
	runtime.Gosched()
	fmt.Println("pinned end")
	runtime.UnlockOSThread()
}

func main() {
	runtime.GOMAXPROCS(1)
	var wg sync.WaitGroup
	wg.Add(1)
	go pinned(&wg)
	fmt.Println("main before wait")
	wg.Wait()
	fmt.Println("main after wait")
}
