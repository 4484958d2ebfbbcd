// Writes an execution trace (runtime/trace) of goroutines that block in system calls
// (nanosleep in the kernel, so sysmon takes their P: ProcSteal, GoSyscallEndBlocked) beside
// goroutines that compute, to the file named by the first argument. Used by tests/trace.rs.
package main

import (
	"os"
	"runtime"
	"runtime/trace"
	"sync"
	"syscall"
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
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			ts := syscall.Timespec{Nsec: 30_000_000} // 30 ms in the kernel
			syscall.Nanosleep(&ts, nil)
		}()
		go func() {
			defer wg.Done()
			_ = spin(2_000_000)
		}()
	}
	wg.Wait()
	trace.Stop()
}
