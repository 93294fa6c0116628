package localstack

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"syscall"
	"time"
)

// Proc is one child process whose output is copied, line by line and prefixed, to a log.
type Proc struct {
	Name string
	cmd  *exec.Cmd
	done chan struct{}
}

// StartProc starts bin with args and env (added to nothing: pass os.Environ() to inherit).
func StartProc(name, bin string, args, env []string, logs io.Writer) (*Proc, error) {
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	// Its own process group: Ctrl-C at the terminal reaches the launcher, which stops children in order.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("localstack: start %s: %w", bin, err)
	}
	p := &Proc{Name: name, cmd: cmd, done: make(chan struct{})}
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		for sc.Scan() {
			fmt.Fprintf(logs, "%-11s| %s\n", name, sc.Text())
		}
	}()
	go func() {
		<-copied
		_ = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// Done is closed when the process has exited.
func (p *Proc) Done() <-chan struct{} { return p.done }

// Exited reports whether the process has exited.
func (p *Proc) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// Signal sends sig and waits up to wait for the exit, killing the process after that.
func (p *Proc) Signal(sig syscall.Signal, wait time.Duration) error {
	if p.Exited() {
		return nil
	}
	_ = p.cmd.Process.Signal(sig)
	select {
	case <-p.done:
		return nil
	case <-time.After(wait):
		_ = p.cmd.Process.Kill()
		<-p.done
		return fmt.Errorf("localstack: %s did not exit within %s of %s; killed", p.Name, wait, sig)
	}
}

// WaitReady polls url until it answers 200, the process exits, or timeout passes.
func (p *Proc) WaitReady(ctx context.Context, url string, timeout time.Duration) error {
	return p.waitReady(ctx, url, "", timeout)
}

// waitReady waits like WaitReady for a ready answer that, when instance is set, carries it in the
// Ocopfair-Instance header: another process that took the port (whose start then fails) does not
// count as this one being ready.
func (p *Proc) waitReady(ctx context.Context, url, instance string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if resp, err := client.Do(req); err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK && (instance == "" || resp.Header.Get("Ocopfair-Instance") == instance) {
				return nil
			}
		}
		if err := p.wait(ctx, deadline); err != nil {
			return err
		}
	}
}

// WaitListening waits until addr accepts TCP connections.
func (p *Proc) WaitListening(ctx context.Context, addr string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			return nil
		}
		if err := p.wait(ctx, deadline); err != nil {
			return err
		}
	}
}

func (p *Proc) wait(ctx context.Context, deadline time.Time) error {
	select {
	case <-p.done:
		return fmt.Errorf("localstack: %s exited during start-up (see its log lines)", p.Name)
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(100 * time.Millisecond):
	}
	if time.Now().After(deadline) {
		return fmt.Errorf("localstack: %s not ready in time", p.Name)
	}
	return nil
}

// newInstance names one start of a service, for its /readyz to say back.
func newInstance() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
