package service

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestLoadConfigDefaults(t *testing.T) {
	c, err := LoadConfig("exhibitor", 8082, func(string) string { return "" })
	if err != nil {
		t.Fatalf("LoadConfig: %v", err)
	}
	if c.HTTPAddr != ":8082" || c.MongoDatabase != "ocopfair_exhibitor" || c.MongoURI != "" || c.StreamReplicas != 1 || c.RelayInterval != 2*time.Second ||
		c.MetricsAddr != "" || c.TrustedProxies != nil {
		t.Errorf("defaults = %+v", c)
	}
}

func TestLoadConfigErrors(t *testing.T) {
	env := map[string]string{
		"OCOPFAIR_STREAM_REPLICAS": "2", "OCOPFAIR_OUTBOX_INTERVAL": "soon", "OCOPFAIR_LOG_FORMAT": "xml", "OCOPFAIR_LOG_LEVEL": "loud",
		"OCOPFAIR_METRICS_ADDR": "9090",
	}
	_, err := LoadConfig("event", 8081, func(k string) string { return env[k] })
	if err == nil {
		t.Fatal("LoadConfig accepted bad values")
	}
	for _, name := range []string{"OCOPFAIR_STREAM_REPLICAS", "OCOPFAIR_OUTBOX_INTERVAL", "OCOPFAIR_LOG_FORMAT", "OCOPFAIR_LOG_LEVEL", "OCOPFAIR_METRICS_ADDR"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error %q does not name %s", err, name)
		}
	}
}

func TestMaskURI(t *testing.T) {
	got := MaskURI("mongodb://app:s3cret@db-0:27017,db-1:27017/?replicaSet=rs0&w=majority")
	if strings.Contains(got, "s3cret") || !strings.Contains(got, "app:xxxxx@") {
		t.Errorf("MaskURI = %q", got)
	}
}

func TestLoadConfigTrustedProxies(t *testing.T) {
	tests := []struct {
		name, env string
		want      []string
		wantErr   bool
	}{
		{name: "empty trusts none", env: "", want: nil},
		{name: "addresses and ranges", env: " 10.0.0.0/8, 127.0.0.1 ,,::1", want: []string{"10.0.0.0/8", "127.0.0.1", "::1"}},
		{name: "a host name is refused", env: "proxy.local", wantErr: true},
		{name: "a bad range is refused", env: "10.0.0.0/33", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := LoadConfig("gateway", 8080, func(k string) string {
				if k == "OCOPFAIR_TRUSTED_PROXIES" {
					return tt.env
				}
				return ""
			})
			if tt.wantErr {
				if err == nil || !strings.Contains(err.Error(), "OCOPFAIR_TRUSTED_PROXIES") {
					t.Errorf("LoadConfig(%q) error = %v, want one naming OCOPFAIR_TRUSTED_PROXIES", tt.env, err)
				}
				return
			}
			if err != nil || !slices.Equal(c.TrustedProxies, tt.want) {
				t.Errorf("LoadConfig(%q) = %q, %v, want %q", tt.env, c.TrustedProxies, err, tt.want)
			}
		})
	}
}
