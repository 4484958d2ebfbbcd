// pipeline: generator → relay → printer over unbuffered channels; each stage prints.
package main

import (
	"fmt"
	"runtime"
)

func gen(out chan int) {
	for i := range 4 {
		fmt.Println("gen", i)
		out <- i
	}
	close(out)
}

func relay(in chan int, out chan int) {
	for v := range in {
		fmt.Println("relay", v)
		out <- v
	}
	close(out)
}

func main() {
	runtime.GOMAXPROCS(1)
	a := make(chan int)
	b := make(chan int)
	go gen(a)
	go relay(a, b)
	for v := range b {
		fmt.Println("main got", v)
	}
}
