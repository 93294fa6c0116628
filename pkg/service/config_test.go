package service

import (
	"strings"
	"testing"
	"time"
)

func TestLoadConfigDefaults(t *testing.T) {
	c, err := LoadConfig("exhibitor", 8082, func(string) string { return "" })
	if err != nil {
		t.Fatalf("LoadConfig: %v", err)
	}
	if c.HTTPAddr != ":8082" || c.MongoDatabase != "ocopfair_exhibitor" || c.MongoURI != "" || c.StreamReplicas != 1 || c.RelayInterval != 2*time.Second {
		t.Errorf("defaults = %+v", c)
	}
}

func TestLoadConfigErrors(t *testing.T) {
	env := map[string]string{
		"OCOPFAIR_STREAM_REPLICAS": "2", "OCOPFAIR_OUTBOX_INTERVAL": "soon", "OCOPFAIR_LOG_FORMAT": "xml", "OCOPFAIR_LOG_LEVEL": "loud",
	}
	_, err := LoadConfig("event", 8081, func(k string) string { return env[k] })
	if err == nil {
		t.Fatal("LoadConfig accepted bad values")
	}
	for _, name := range []string{"OCOPFAIR_STREAM_REPLICAS", "OCOPFAIR_OUTBOX_INTERVAL", "OCOPFAIR_LOG_FORMAT", "OCOPFAIR_LOG_LEVEL"} {
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
