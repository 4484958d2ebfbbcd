// closed_recv: receiving from a closed, drained channel gives the zero value at once.
package main

import (
	"fmt"
	"runtime"
)

func main() {
	runtime.GOMAXPROCS(1)
	ch := make(chan int, 1)
	ch <- 7
	close(ch)
	v := <-ch
	fmt.Println("first", v)
	w := <-ch
	fmt.Println("after close", w)
	fmt.Println("direct", <-ch)
}
