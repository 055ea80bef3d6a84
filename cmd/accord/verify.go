package main

import (
	"fmt"
	"io"
)

func verify(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "accord verify: not available yet")
	return 2
}
