// consts: constant groups with iota and typed constants, as loop bounds and printed values.
package main

import (
	"fmt"
	"runtime"
)

const (
	zero = iota
	one
	two
)

const (
	kb = 1 << (10 * (iota + 1))
	mb
)

const label string = "size"

func main() {
	runtime.GOMAXPROCS(1)
	fmt.Println(zero, one, two)
	fmt.Println(label, kb, mb)
	for i := range two {
		fmt.Println("iteration", i)
	}
}
