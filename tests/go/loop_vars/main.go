// loop_vars prints the variables of nested counted loops and of range over an int.
package main

import (
	"fmt"
	"runtime"
)

func main() {
	runtime.GOMAXPROCS(1)
	for i := 1; i <= 3; i++ {
		for j := range 2 {
			fmt.Println("i", i, "j", j)
		}
	}
	for k := 5; k < 8; k++ {
		fmt.Printf("k=%d\n", k)
	}
}
