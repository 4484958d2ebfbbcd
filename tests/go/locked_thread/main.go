// locked_thread: a goroutine locked to its thread prints between Lock and UnlockOSThread, and
// yields in between (Gosched) while locked.
//
// main prints before the go statement, not while pinned waits in runnext: a print is a write
// syscall, and on a loaded machine sysmon may retake the P from a thread slow in it and hand
// it to pinned (real Go then prints pinned's line first, the simulator never does).
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
	fmt.Println("main starts pinned")
	go pinned(&wg)
	wg.Wait()
	fmt.Println("main after wait")
}
