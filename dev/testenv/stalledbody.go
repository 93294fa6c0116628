package testenv

import (
	"fmt"
	"os"
)

// StalledBody is a request body whose sender stopped: each read is cut off by the connection's
// read deadline, as the server's body pacing cuts off a body arriving too slowly.
type StalledBody struct{}

func (StalledBody) Read([]byte) (int, error) {
	return 0, fmt.Errorf("read tcp: %w", os.ErrDeadlineExceeded)
}
