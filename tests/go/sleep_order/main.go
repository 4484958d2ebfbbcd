// sleep_order: goroutines sleeping different durations print in the order their timers fire.
package main

import (
	"fmt"
	"runtime"
	"sync"
	"time"
)

func nap(id int, wg *sync.WaitGroup) {
	defer wg.Done()
	fmt.Println("sleeping", id)
	time.Sleep(60 * time.Millisecond)
	fmt.Println("woke", id)
}

func main() {
	runtime.GOMAXPROCS(1)
	var wg sync.WaitGroup
	wg.Add(1)
	go nap(1, &wg)
	time.Sleep(5 * time.Millisecond)
	wg.Add(1)
	go nap(2, &wg)
	time.Sleep(5 * time.Millisecond)
	wg.Add(1)
	go nap(3, &wg)
	wg.Wait()
}
