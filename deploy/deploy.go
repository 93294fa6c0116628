// Package deploy holds ocopfair's deployment configuration (Dockerfile, NATS, MongoDB, Kubernetes)
// and the tests that check it offline: manifests decode strictly into the Kubernetes API types,
// the NATS configuration loads in nats-server, and the compose file has the production shape.
package deploy
