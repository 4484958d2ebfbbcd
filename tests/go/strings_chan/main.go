// strings_chan: string values travel through a channel; a parameter names the sender.
package main

import (
	"fmt"
	"runtime"
)

func speak(who string, out chan string) {
	out <- who
	out <- "bye"
}

func main() {
	runtime.GOMAXPROCS(1)
	out := make(chan string)
	go speak("alice", out)
	go speak("bob", out)
	for range 4 {
		m := <-out
		fmt.Printf("[%s]\n", m)
	}
}
