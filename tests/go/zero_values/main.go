// zero_values: a receive from a closed channel gets the zero value of the channel's element
// type, even when nothing was ever sent on it: "" for string, {} for struct{}, <nil> for any.
package main

import (
	"fmt"
	"runtime"
)

func main() {
	runtime.GOMAXPROCS(1)
	names := make(chan string)
	close(names)
	s := <-names
	fmt.Printf("string %q\n", s)
	fmt.Println("string", s, "end")
	done := make(chan struct{})
	close(done)
	fmt.Println("struct", <-done)
	box := make(chan any, 1)
	box <- 5
	close(box)
	fmt.Println("any", <-box)
	fmt.Println("any after close", <-box)
	counts := make(chan int)
	close(counts)
	for v := range names {
		fmt.Println("never", v)
	}
	fmt.Println("int", <-counts)
}
