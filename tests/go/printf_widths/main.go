// printf_widths: fmt.Printf's widths, flags and notes for a wrong verb or a missing value.
package main

import (
	"fmt"
	"runtime"
)

func main() {
	runtime.GOMAXPROCS(1)
	for i := 8; i < 11; i++ {
		fmt.Printf("|%4d|%-4d|%04d|%x|%X|\n", i, i, i, i, i)
	}
	fmt.Printf("|%6s|%-6s|%+d|\n", "go", "go", 3)
	fmt.Printf("%d %s\n", "text", 5)
	fmt.Printf("%d\n")
}
