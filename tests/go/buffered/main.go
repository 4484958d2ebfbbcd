// buffered: values keep their order through a buffered channel, with blocked senders.
package main

import (
	"fmt"
	"runtime"
)

func producer(ch chan int) {
	for i := 10; i < 16; i++ {
		ch <- i
		fmt.Println("sent", i)
	}
	close(ch)
}

func main() {
	runtime.GOMAXPROCS(1)
	ch := make(chan int, 2)
	go producer(ch)
	runtime.Gosched()
	for v := range ch {
		fmt.Println("received", v)
	}
}
