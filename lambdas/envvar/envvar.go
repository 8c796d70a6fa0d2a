// Package envvar reads a function's environment variables for the
// handlers' EnvFrom functions. It takes the lookup as a function (os.Getenv
// in Lambda, the template's variables in the local runtime) and collects
// every missing or malformed variable, so a function that cannot start says
// all that is wrong with its environment at once, by name.
package envvar

import (
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Reader reads required variables through a lookup function and remembers
// what was wrong.
type Reader struct {
	getenv func(string) string
	errs   []error
}

// New returns a Reader that looks variables up with getenv.
func New(getenv func(string) string) *Reader {
	return &Reader{getenv: getenv}
}

// String returns the variable name, which must be set and not empty.
func (r *Reader) String(name string) string {
	v := r.getenv(name)
	if v == "" {
		r.errs = append(r.errs, fmt.Errorf("environment variable %s is not set; the function's construct sets it", name))
	}
	return v
}

// Duration returns the variable name parsed as a Go duration ("7h0m0s").
func (r *Reader) Duration(name string) time.Duration {
	v := r.String(name)
	if v == "" {
		return 0
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		r.errs = append(r.errs, fmt.Errorf("environment variable %s is %q, which is not a Go duration such as 7h0m0s", name, v))
	}
	return d
}

// PositiveInt returns the variable name parsed as a positive integer.
func (r *Reader) PositiveInt(name string) int64 {
	v := r.String(name)
	if v == "" {
		return 0
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		r.errs = append(r.errs, fmt.Errorf("environment variable %s is %q; it must be a positive integer", name, v))
		return 0
	}
	return n
}

// Fail records a problem with the variable name that the caller found
// parsing its value.
func (r *Reader) Fail(name string, err error) {
	r.errs = append(r.errs, fmt.Errorf("environment variable %s: %w", name, err))
}

// Err returns every problem found so far, one per line, or nil.
func (r *Reader) Err() error { return errors.Join(r.errs...) }
