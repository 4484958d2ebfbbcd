// Writes an execution trace (runtime/trace) of goroutines that wait on the network (a TCP
// echo over loopback), sleep, are woken by a timer's goroutine (time.AfterFunc: a waker the
// replay does not replay) and stay blocked when the trace stops, to the file named by the first
// argument, at GOMAXPROCS 2. Used by tests/trace_replay.rs for what the replay maps to `net`
// and what it reports as not mapped.
package main

import (
	"net"
	"os"
	"runtime"
	"runtime/trace"
	"sync"
	"time"
)

func main() {
	runtime.GOMAXPROCS(2)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	defer f.Close()
	if err := trace.Start(f); err != nil {
		panic(err)
	}
	// The server echoes every byte back after 5 ms.
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func(c net.Conn) {
				buf := make([]byte, 1)
				for {
					if _, err := c.Read(buf); err != nil {
						c.Close()
						return
					}
					time.Sleep(5 * time.Millisecond)
					c.Write(buf)
				}
			}(c)
		}
	}()
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				panic(err)
			}
			defer c.Close()
			buf := []byte{1}
			for j := 0; j < 3; j++ {
				c.Write(buf)
				c.Read(buf)
			}
		}()
	}
	wg.Wait()
	// Woken by the timer's goroutine, not by a user goroutine.
	fired := make(chan bool)
	time.AfterFunc(3*time.Millisecond, func() { fired <- true })
	<-fired
	// Blocked for good when the trace stops.
	never := make(chan bool)
	go func() { <-never }()
	time.Sleep(time.Millisecond)
	trace.Stop()
}
