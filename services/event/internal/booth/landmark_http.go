package booth

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/pkg/openapi"
	"github.com/ocopfair/ocopfair/services/event/internal/fair"
)

type landmarkInput struct {
	Kind  string  `json:"kind" required:"true" enum:"entrance,exit,aisle,stage,b2b_area,info_desk,toilet,other"`
	Label string  `json:"label" doc:"the name shown on the map (Vietnamese); default: the kind's name"`
	X     float64 `json:"x" doc:"metres from the left of the hall"`
	Y     float64 `json:"y" doc:"metres from the top of the hall"`
	W     float64 `json:"w" doc:"width in metres; default 3"`
	H     float64 `json:"h" doc:"depth in metres; default 3"`
}

type landmarkPatch struct {
	Kind  *string  `json:"kind" enum:"entrance,exit,aisle,stage,b2b_area,info_desk,toilet,other"`
	Label *string  `json:"label"`
	X     *float64 `json:"x"`
	Y     *float64 `json:"y"`
	W     *float64 `json:"w"`
	H     *float64 `json:"h"`
}

type landmarkBody struct {
	ID    string  `json:"id"`
	Kind  string  `json:"kind" enum:"entrance,exit,aisle,stage,b2b_area,info_desk,toilet,other"`
	Label string  `json:"label"`
	X     float64 `json:"x"`
	Y     float64 `json:"y"`
	W     float64 `json:"w"`
	H     float64 `json:"h"`
}

func toLandmarkBody(l Landmark) landmarkBody {
	return landmarkBody{ID: l.ID, Kind: l.Kind, Label: l.Label, X: l.X, Y: l.Y, W: l.W, H: l.H}
}

// withLandmarks adds a fair's landmarks to its map, which then spans them too.
func withLandmarks(m mapResponse, landmarks []Landmark) mapResponse {
	m.Landmarks = make([]landmarkBody, 0, len(landmarks))
	for _, l := range landmarks {
		m.Landmarks = append(m.Landmarks, toLandmarkBody(l))
		m.Width, m.Height = max(m.Width, l.X+l.W), max(m.Height, l.Y+l.H)
	}
	return m
}

// registerLandmarks adds the routes that draw landmarks on a floor plan.
func (rt *Routes) registerLandmarks(api httpx.API) {
	api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/fairs/:id/landmarks", Tag: "floor plan", Roles: fair.OrganiserRoles, Status: http.StatusCreated, Idempotent: true,
		Summary: "Add a landmark to the floor plan: an entrance, exit, aisle, stage, B2B area, information desk, toilets or other. Booths may not stand on it (except other).",
		Request: landmarkInput{}, Response: landmarkBody{}}, rt.addLandmark)
	api.Handle(openapi.Op{Method: http.MethodPatch, Path: "/api/fairs/:id/landmarks/:landmark", Tag: "floor plan", Roles: fair.OrganiserRoles,
		Summary: "Move, resize, rename or change the kind of a landmark.", Request: landmarkPatch{}, Response: landmarkBody{}}, rt.patchLandmark)
	api.Handle(openapi.Op{Method: http.MethodDelete, Path: "/api/fairs/:id/landmarks/:landmark", Tag: "floor plan", Roles: fair.OrganiserRoles, Status: http.StatusNoContent,
		Summary: "Remove a landmark from the floor plan."}, rt.deleteLandmark)
}

// planLandmarks returns a fair's landmarks from the model, or from the database while the model
// is still loading.
func (rt *Routes) planLandmarks(ctx context.Context, fairID string) ([]Landmark, error) {
	if rt.Plans.Ready() {
		return rt.Plans.Landmarks(fairID), nil
	}
	return rt.Booths.Landmarks(ctx, fairID)
}

func (rt *Routes) addLandmark(c *gin.Context) {
	f, ok := rt.Access.Managed(c)
	if !ok {
		return
	}
	var req landmarkInput
	if !httpx.Bind(c, &req) || !floorPlanOpen(c, f) {
		return
	}
	l, err := NormalizeLandmark(Landmark{FairID: f.ID, ID: httpx.NewID(c), Kind: req.Kind, Label: req.Label, X: req.X, Y: req.Y, W: req.W, H: req.H})
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	err = rt.saveLandmark(c.Request.Context(), Landmark{}, l)
	if httpx.Rerun(c, l.ID, err) {
		l, err = rt.Booths.Landmark(c.Request.Context(), f.ID, l.ID)
	}
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	c.JSON(http.StatusCreated, toLandmarkBody(l))
}

// saveLandmark stores l, new (before is zero) or changed from before as the request read it,
// unless it would cover a booth or the plan is full. A landmark another edit changed since it
// was read is not written over (409 landmark_changed_meanwhile): two organisers' edits of one
// landmark do not undo each other.
func (rt *Routes) saveLandmark(ctx context.Context, before, l Landmark) error {
	rt.layout.Lock()
	defer rt.layout.Unlock()
	booths, err := rt.planBooths(ctx, l.FairID)
	if err != nil {
		return err
	}
	var v apperr.Validation
	for i, b := range Covered(l, booths) {
		if i == maxOverlapErrors {
			break
		}
		v.Fail("position", msgLandmarkOverBooth, landmarkName(l), b.Code)
	}
	if err := v.Err(); err != nil {
		return err
	}
	if before.ID != "" {
		return rt.Booths.SaveLandmark(ctx, before, l)
	}
	have, err := rt.planLandmarks(ctx, l.FairID)
	if err != nil {
		return err
	}
	if len(have) >= MaxLandmarks {
		return apperr.New(apperr.Conflict, msgTooManyLandmarks, MaxLandmarks)
	}
	return rt.Booths.AddLandmark(ctx, l)
}

// editableLandmark loads the landmark of the request's path for editing, once the floor plan is
// open; a landmark of another fair is not found.
func (rt *Routes) editableLandmark(c *gin.Context, f fair.Fair) (Landmark, bool) {
	if !floorPlanOpen(c, f) {
		return Landmark{}, false
	}
	l, err := rt.Booths.Landmark(c.Request.Context(), f.ID, c.Param("landmark"))
	if apperr.Is(err, apperr.NotFound) {
		err = apperr.New(apperr.NotFound, msgLandmarkNotFound)
	}
	if err != nil {
		httpx.RespondError(c, err)
		return Landmark{}, false
	}
	return l, true
}

func (rt *Routes) patchLandmark(c *gin.Context) {
	f, ok := rt.Access.Managed(c)
	if !ok {
		return
	}
	var req landmarkPatch
	if !httpx.Bind(c, &req) {
		return
	}
	l, ok := rt.editableLandmark(c, f)
	if !ok {
		return
	}
	before := l
	for _, p := range []struct {
		dst *string
		src *string
	}{{&l.Kind, req.Kind}, {&l.Label, req.Label}} {
		if p.src != nil {
			*p.dst = *p.src
		}
	}
	for _, p := range []struct {
		dst *float64
		src *float64
	}{{&l.X, req.X}, {&l.Y, req.Y}, {&l.W, req.W}, {&l.H, req.H}} {
		if p.src != nil {
			*p.dst = *p.src
		}
	}
	l, err := NormalizeLandmark(l)
	if err == nil {
		err = rt.saveLandmark(c.Request.Context(), before, l)
	}
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	c.JSON(http.StatusOK, toLandmarkBody(l))
}

func (rt *Routes) deleteLandmark(c *gin.Context) {
	f, ok := rt.Access.Managed(c)
	if !ok {
		return
	}
	l, ok := rt.editableLandmark(c, f)
	if !ok {
		return
	}
	if err := rt.Booths.DeleteLandmark(c.Request.Context(), f.ID, l.ID); err != nil {
		httpx.RespondError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
