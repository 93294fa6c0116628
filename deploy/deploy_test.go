package deploy

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nats-io/nats-server/v2/server"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/yaml"
)

var services = []string{"gateway", "event", "exhibitor", "matchmaking"}

type manifests struct {
	deployments map[string]appsv1.Deployment
	services    map[string]corev1.Service
	hpas        map[string]autoscalingv2.HorizontalPodAutoscaler
	pdbs        map[string]policyv1.PodDisruptionBudget
	policies    []networkingv1.NetworkPolicy
}

// load decodes every document of deploy/k8s strictly: an unknown or misspelt field fails.
func load(t *testing.T) manifests {
	t.Helper()
	m := manifests{deployments: map[string]appsv1.Deployment{}, services: map[string]corev1.Service{}, hpas: map[string]autoscalingv2.HorizontalPodAutoscaler{}, pdbs: map[string]policyv1.PodDisruptionBudget{}}
	files, err := filepath.Glob(filepath.Join("k8s", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests: %v", err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, doc := range bytes.Split(data, []byte("\n---\n")) {
			if len(bytes.TrimSpace(doc)) == 0 {
				continue
			}
			var head metav1.TypeMeta
			if err := yaml.Unmarshal(doc, &head); err != nil {
				t.Fatalf("%s doc %d: %v", f, i, err)
			}
			strict := func(v any) {
				if err := yaml.UnmarshalStrict(doc, v); err != nil {
					t.Errorf("%s doc %d (%s): %v", f, i, head.Kind, err)
				}
			}
			switch head.APIVersion + "/" + head.Kind {
			case "apps/v1/Deployment":
				var d appsv1.Deployment
				strict(&d)
				m.deployments[d.Name] = d
			case "v1/Service":
				var s corev1.Service
				strict(&s)
				m.services[s.Name] = s
			case "autoscaling/v2/HorizontalPodAutoscaler":
				var h autoscalingv2.HorizontalPodAutoscaler
				strict(&h)
				m.hpas[h.Name] = h
			case "policy/v1/PodDisruptionBudget":
				var p policyv1.PodDisruptionBudget
				strict(&p)
				m.pdbs[p.Name] = p
			case "networking.k8s.io/v1/NetworkPolicy":
				var p networkingv1.NetworkPolicy
				strict(&p)
				m.policies = append(m.policies, p)
			case "v1/Namespace":
				var n corev1.Namespace
				strict(&n)
			case "kustomize.config.k8s.io/v1beta1/Kustomization":
				var k struct {
					APIVersion string   `json:"apiVersion"`
					Kind       string   `json:"kind"`
					Namespace  string   `json:"namespace"`
					Resources  []string `json:"resources"`
				}
				strict(&k)
				for _, r := range k.Resources {
					if _, err := os.Stat(filepath.Join("k8s", r)); err != nil {
						t.Errorf("kustomization lists %s: %v", r, err)
					}
				}
			default:
				t.Errorf("%s doc %d: unexpected %s %s", f, i, head.APIVersion, head.Kind)
			}
		}
	}
	return m
}

func TestServiceManifests(t *testing.T) {
	m := load(t)
	for _, name := range services {
		t.Run(name, func(t *testing.T) {
			d, ok := m.deployments[name]
			if !ok {
				t.Fatalf("no Deployment %s", name)
			}
			if d.Spec.Replicas == nil || *d.Spec.Replicas < 2 {
				t.Errorf("replicas %v, want at least 2", d.Spec.Replicas)
			}
			sel, err := metav1.LabelSelectorAsSelector(d.Spec.Selector)
			if err != nil || !sel.Matches(labels.Set(d.Spec.Template.Labels)) {
				t.Errorf("the selector does not match the pod labels: %v", err)
			}
			pod := d.Spec.Template.Spec
			if pod.SecurityContext == nil || pod.SecurityContext.RunAsNonRoot == nil || !*pod.SecurityContext.RunAsNonRoot {
				t.Error("pods must run as non-root")
			}
			if len(pod.Containers) != 1 {
				t.Fatalf("%d containers", len(pod.Containers))
			}
			c := pod.Containers[0]
			if c.ReadinessProbe == nil || c.ReadinessProbe.HTTPGet == nil || c.ReadinessProbe.HTTPGet.Path != "/readyz" {
				t.Error("readiness must probe /readyz (NATS and database)")
			}
			if c.LivenessProbe == nil || c.LivenessProbe.HTTPGet == nil || c.LivenessProbe.HTTPGet.Path != "/healthz" {
				t.Error("liveness must probe /healthz")
			}
			if c.Resources.Requests.Cpu().IsZero() || c.Resources.Requests.Memory().IsZero() || c.Resources.Limits.Memory().IsZero() {
				t.Error("CPU and memory requests and a memory limit are required")
			}
			if c.SecurityContext == nil || c.SecurityContext.ReadOnlyRootFilesystem == nil || !*c.SecurityContext.ReadOnlyRootFilesystem {
				t.Error("the root filesystem must be read-only")
			}
			env := map[string]bool{}
			for _, e := range c.Env {
				env[e.Name] = true
				if e.Name == "GOMEMLIMIT" {
					checkMemLimit(t, e.Value, c.Resources.Limits.Memory().Value())
				}
				if e.Name == "MONGO_URI" && (e.ValueFrom == nil || e.ValueFrom.SecretKeyRef == nil) {
					t.Error("MONGO_URI must come from a Secret")
				}
			}
			for _, want := range []string{"GOMEMLIMIT", "MONGO_URI", "OCOPFAIR_NATS_URL", "OCOPFAIR_STREAM_REPLICAS", "OCOPFAIR_JWKS_URL", "OCOPFAIR_METRICS_ADDR", "OCOPFAIR_TRUSTED_PROXIES"} {
				if !env[want] {
					t.Errorf("env %s missing", want)
				}
			}
			svc, ok := m.services[name]
			if !ok || !labels.SelectorFromSet(svc.Spec.Selector).Matches(labels.Set(d.Spec.Template.Labels)) {
				t.Errorf("no Service selecting the %s pods", name)
			}
			h, ok := m.hpas[name]
			if !ok || h.Spec.ScaleTargetRef.Name != name || h.Spec.ScaleTargetRef.Kind != "Deployment" || h.Spec.MinReplicas == nil || *h.Spec.MinReplicas < 2 {
				t.Errorf("HorizontalPodAutoscaler for %s missing or wrong: %+v", name, h.Spec)
			}
			p, ok := m.pdbs[name]
			if !ok {
				t.Fatalf("no PodDisruptionBudget for %s", name)
			}
			psel, err := metav1.LabelSelectorAsSelector(p.Spec.Selector)
			if err != nil || !psel.Matches(labels.Set(d.Spec.Template.Labels)) || p.Spec.MinAvailable == nil {
				t.Errorf("PodDisruptionBudget does not protect the %s pods", name)
			}
		})
	}
	if len(m.policies) < 2 {
		t.Errorf("%d NetworkPolicies, want a default deny and the allowances", len(m.policies))
	}
}

// checkMemLimit checks that the Go runtime's soft memory limit (GOMEMLIMIT, "460MiB") is 80–95%
// of the container's limit: near the limit the runtime collects harder, and what is not heap
// (stacks, buffers outside it) needs the rest. Without one, a 2.6 MB import that briefly held
// 480 MB of heap got a 512Mi pod killed.
func checkMemLimit(t *testing.T, value string, limit int64) {
	t.Helper()
	units := map[string]int64{"KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30}
	n, unit := int64(0), ""
	if _, err := fmt.Sscanf(value, "%d%s", &n, &unit); err != nil || units[unit] == 0 {
		t.Errorf("GOMEMLIMIT %q, want a size such as 460MiB", value)
		return
	}
	if got := float64(n*units[unit]) / float64(limit); got < 0.8 || got > 0.95 {
		t.Errorf("GOMEMLIMIT %s is %.0f%% of the memory limit, want 80–95%%", value, got*100)
	}
}

// TestMetricsPortIsNotPublic checks that every service serves its metrics on a port of its own and
// that no NetworkPolicy lets just anyone reach that port.
func TestMetricsPortIsNotPublic(t *testing.T) {
	m := load(t)
	const metricsPort = 9090
	for _, name := range services {
		c := m.deployments[name].Spec.Template.Spec.Containers[0]
		addr := ""
		for _, e := range c.Env {
			if e.Name == "OCOPFAIR_METRICS_ADDR" {
				addr = e.Value
			}
		}
		declared := slices.ContainsFunc(c.Ports, func(p corev1.ContainerPort) bool { return p.Name == "metrics" && p.ContainerPort == metricsPort })
		if addr != ":9090" || !declared {
			t.Errorf("%s: OCOPFAIR_METRICS_ADDR %q and a container port named metrics on %d, want :9090 and one", name, addr, metricsPort)
		}
		for _, p := range c.Ports {
			if p.Name == "http" && p.ContainerPort == metricsPort {
				t.Errorf("%s: metrics share the public port", name)
			}
		}
	}
	for _, p := range m.policies {
		for _, rule := range p.Spec.Ingress {
			open := len(rule.From) == 0
			for _, port := range rule.Ports {
				if open && (port.Port == nil || port.Port.IntValue() == metricsPort) {
					t.Errorf("NetworkPolicy %s lets anyone reach the metrics port", p.Name)
				}
			}
			if open && len(rule.Ports) == 0 {
				t.Errorf("NetworkPolicy %s lets anyone reach every port", p.Name)
			}
		}
	}
}

func TestNATSConfigLoads(t *testing.T) {
	opts := natsConfig(t)
	if !opts.JetStream || opts.Cluster.Name != "ocopfair" || len(opts.Routes) != 3 || opts.SyncAlways != true {
		t.Errorf("cluster.conf: jetstream %v cluster %q routes %d sync always %v", opts.JetStream, opts.Cluster.Name, len(opts.Routes), opts.SyncAlways)
	}
	users := map[string]*server.User{}
	for _, u := range opts.Users {
		users[u.Username] = u
	}
	for _, s := range services {
		u, ok := users[s]
		if !ok {
			t.Errorf("no NATS user for %s", s)
			continue
		}
		if u.Permissions == nil || u.Permissions.Publish == nil || !slices.Contains(u.Permissions.Publish.Allow, s+".>") {
			t.Errorf("%s may not publish its own subjects", s)
		}
		for _, other := range services {
			if other != s && slices.Contains(u.Permissions.Publish.Allow, other+".>") {
				t.Errorf("%s may publish %s's subjects", s, other)
			}
		}
	}
}

func TestComposeShape(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "docker-compose.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Services map[string]struct {
			Build       any            `json:"build"`
			Deploy      map[string]any `json:"deploy"`
			Environment map[string]any `json:"environment"`
		} `json:"services"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	for _, want := range []string{"nats-0", "nats-1", "nats-2", "mongo-0", "mongo-1", "mongo-2", "mongo-init"} {
		if _, ok := doc.Services[want]; !ok {
			t.Errorf("compose lacks %s", want)
		}
	}
	for _, s := range services {
		svc, ok := doc.Services[s]
		if !ok {
			t.Errorf("compose lacks %s", s)
			continue
		}
		if r, _ := svc.Deploy["replicas"].(float64); r < 2 {
			t.Errorf("%s has %v replicas, want 2", s, svc.Deploy["replicas"])
		}
		uri, _ := svc.Environment["MONGO_URI"].(string)
		if !strings.Contains(uri, "replicaSet=rs0") || !strings.Contains(uri, "w=majority") {
			t.Errorf("%s MONGO_URI %q lacks the replica set or majority writes", s, uri)
		}
		if v, _ := svc.Environment["OCOPFAIR_STREAM_REPLICAS"].(string); v != "3" {
			t.Errorf("%s streams with %q replicas, want 3", s, v)
		}
		if v, _ := svc.Environment["OCOPFAIR_METRICS_ADDR"].(string); v != ":9090" {
			t.Errorf("%s serves metrics on %q, want :9090 (apart from the public port)", s, v)
		}
	}
}

func TestHelmValuesParse(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("nats", "helm-values.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Config struct {
			Cluster struct {
				Enabled  bool `json:"enabled"`
				Replicas int  `json:"replicas"`
			} `json:"cluster"`
			JetStream struct {
				Enabled bool `json:"enabled"`
			} `json:"jetstream"`
		} `json:"config"`
	}
	if err := yaml.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	if !v.Config.Cluster.Enabled || v.Config.Cluster.Replicas != 3 || !v.Config.JetStream.Enabled {
		t.Errorf("helm values: %+v", v)
	}
}

// The Helm values give each service's user the permissions cluster.conf gives it: without them a
// service's user could publish as another service and delete any stream.
func TestHelmValuesHoldTheUsersPermissions(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("nats", "helm-values.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	type allow struct {
		Allow []string `json:"allow"`
		Deny  []string `json:"deny"`
	}
	var v struct {
		Config struct {
			Merge struct {
				Accounts map[string]struct {
					Users []struct {
						User        string `json:"user"`
						Permissions *struct {
							Publish   allow `json:"publish"`
							Subscribe allow `json:"subscribe"`
						} `json:"permissions"`
					} `json:"users"`
				} `json:"accounts"`
			} `json:"merge"`
		} `json:"config"`
	}
	if err := yaml.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	opts := natsConfig(t)
	conf := map[string]*server.User{}
	for _, u := range opts.Users {
		conf[u.Username] = u
	}
	helm := v.Config.Merge.Accounts["OCOPFAIR"].Users
	if len(helm) != len(services) {
		t.Fatalf("the Helm values name %d users in OCOPFAIR, want %d", len(helm), len(services))
	}
	for _, u := range helm {
		c, ok := conf[u.User]
		switch {
		case !ok:
			t.Errorf("the Helm values' user %s is not in cluster.conf", u.User)
		case u.Permissions == nil:
			t.Errorf("the Helm values give %s no permissions: it may do anything", u.User)
		case !slices.Equal(u.Permissions.Publish.Allow, c.Permissions.Publish.Allow) || !slices.Equal(u.Permissions.Subscribe.Allow, c.Permissions.Subscribe.Allow):
			t.Errorf("%s: the Helm values allow publish %v subscribe %v, cluster.conf %v %v", u.User,
				u.Permissions.Publish.Allow, u.Permissions.Subscribe.Allow, c.Permissions.Publish.Allow, c.Permissions.Subscribe.Allow)
		case !slices.Equal(u.Permissions.Publish.Deny, c.Permissions.Publish.Deny) || len(u.Permissions.Subscribe.Deny) > 0:
			t.Errorf("%s: the Helm values deny publish %v subscribe %v, cluster.conf %v", u.User,
				u.Permissions.Publish.Deny, u.Permissions.Subscribe.Deny, c.Permissions.Publish.Deny)
		}
	}
}

// natsConfig is cluster.conf as nats-server reads it, with its environment set (the node, its
// routes and the users' passwords: "e", "x", "m", "g" and "s").
func natsConfig(t *testing.T) *server.Options {
	t.Helper()
	for k, v := range map[string]string{"SERVER_NAME": "nats-0", "ROUTE_0": "127.0.0.1", "ROUTE_1": "127.0.0.1", "ROUTE_2": "127.0.0.1",
		"EVENT_PASSWORD": "e", "EXHIBITOR_PASSWORD": "x", "MATCHMAKING_PASSWORD": "m", "GATEWAY_PASSWORD": "g", "SYS_PASSWORD": "s"} {
		t.Setenv(k, v)
	}
	opts, err := server.ProcessConfigFile(filepath.Join("nats", "cluster.conf"))
	if err != nil {
		t.Fatalf("nats-server rejects cluster.conf: %v", err)
	}
	return opts
}
