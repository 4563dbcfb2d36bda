package main

import (
	"context"
	"errors"
	"io"
)

func runDoctor(_ context.Context, _ []string, _, _ io.Writer) error {
	return errors.New("doctor: not built yet")
}
