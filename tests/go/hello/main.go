// hello prints constants with fmt.Println and fmt.Printf.
package main

import "fmt"

const greeting = "hello"
const answer = 42

func main() {
	fmt.Println(greeting, "world")
	fmt.Println(answer, -7, "mixed", 0)
	fmt.Printf("%s has %d letters\n", greeting, 5)
	fmt.Printf("%v|%q|%x|%%\n", answer, greeting, 255)
	fmt.Println()
}
