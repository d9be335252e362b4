"""HTTP routes for reviews, outcomes and the social connections in a person's plan."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from homecare.access_log import log_person_read
from homecare.calendar import local_date
from homecare.http import PathId, RecordId, RequestContext, WrittenDate, authenticated
from homecare.reviews import service
from homecare.reviews.domain import Progress, is_overdue, made_progress
from homecare.reviews.repository import open_review
from homecare.reviews.schemas import (
    DomainProgress,
    OutcomePoint,
    OutcomesRead,
    RecordedReview,
    ReviewRead,
    ReviewRecord,
    ReviewsDue,
    SocialConnectionRead,
)
from homecare.reviews.tables import Review, SocialConnection

router = APIRouter(tags=["reviews"])


def review_read(review: Review, today: date, progress: Progress | None = None) -> ReviewRead:
    return ReviewRead(
        id=review.id,
        package_id=review.package_id,
        person_id=review.person_id,
        kind=review.kind,
        due_on=review.due_on,
        overdue=is_overdue(review.due_on, review.done_on, today),
        done_on=review.done_on,
        done_by_role=review.done_by_role,
        wellbeing=review.wellbeing,
        home=review.home,
        community=review.community,
        opted_out=review.opted_out,
        outcomes_achieved=review.outcomes_achieved,
        notes=review.notes,
        recorded_at=review.recorded_at,
        progress=None if progress is None else DomainProgress.model_validate(progress),
        made_progress=None if progress is None else made_progress(progress),
        rated_by=review.rated_by,
        rated_at=review.rated_at,
    )


def _point(review: Review, progress: Progress) -> OutcomePoint:
    assert review.done_on is not None
    return OutcomePoint(
        review_id=review.id,
        kind=review.kind,
        done_on=review.done_on,
        opted_out=review.opted_out,
        wellbeing=review.wellbeing,
        home=review.home,
        community=review.community,
        progress=DomainProgress.model_validate(progress),
        made_progress=made_progress(progress),
    )


@router.post("/reviews/due", response_model=ReviewsDue)
def reviews_due(ctx: RequestContext = Depends(authenticated)) -> ReviewsDue:
    """Sets the next review on every active package without one (first, then scheduled)."""
    with ctx.transaction() as (session, actor):
        created = service.ensure_reviews_due(
            session, actor=actor, at=ctx.now(), settings=ctx.settings
        )
        return ReviewsDue(created=created)


@router.get("/reviews", response_model=list[ReviewRead])
def list_reviews(
    due_before: WrittenDate | None = Query(
        default=None, description="Due strictly before this day"
    ),
    package_id: RecordId | None = None,
    done: bool | None = Query(default=None, description="true: recorded; false: still open"),
    ctx: RequestContext = Depends(authenticated),
) -> list[ReviewRead]:
    with ctx.transaction() as (session, actor):
        today = local_date(ctx.now())
        reviews = service.list_reviews(
            session, actor=actor, due_before=due_before, package_id=package_id, done=done
        )
        return [review_read(r, today) for r in reviews]


def _recorded(session: Session, review: Review, today: date) -> RecordedReview:
    progress = service.progress_of(session, review)
    following = open_review(session, review.package_id)
    return RecordedReview(
        **review_read(review, today, progress).model_dump(),
        next_review=None if following is None else review_read(following, today),
    )


@router.post("/reviews/{review_id}", response_model=RecordedReview)
def record_review(
    review_id: PathId, body: ReviewRecord, ctx: RequestContext = Depends(authenticated)
) -> RecordedReview:
    """Records a due review: ratings (or an opt-out), notes and social connections."""
    with ctx.transaction() as (session, actor):
        now = ctx.now()
        review = service.record_review(
            session,
            actor=actor,
            at=now,
            review_id=review_id,
            ratings=body.ratings.model_dump() if body.ratings is not None else None,
            opted_out=body.opted_out,
            outcomes_achieved=body.outcomes_achieved,
            notes=body.notes,
            social_connections=(
                [c.model_dump(mode="json") for c in body.social_connections]
                if body.social_connections is not None
                else None
            ),
            settings=ctx.settings,
        )
        return _recorded(session, review, local_date(now))


@router.get("/packages/{package_id}/outcomes", response_model=OutcomesRead)
def package_outcomes(
    package_id: PathId, ctx: RequestContext = Depends(authenticated)
) -> OutcomesRead:
    """Ratings over time, with each review's progress since the last rating (measure 12)."""
    with ctx.transaction() as (session, actor):
        outcomes = service.outcomes_for(session, actor=actor, package_id=package_id)
        log_person_read(session, actor, ctx.now(), outcomes.package.person_id, "outcomes", "api")
        points = [_point(r, p) for r, p in outcomes.reviews]
        following = outcomes.next_review
        return OutcomesRead(
            package_id=outcomes.package.id,
            person_id=outcomes.package.person_id,
            reviews=points,
            latest=points[-1] if points else None,
            next_review=None
            if following is None
            else review_read(following, local_date(ctx.now())),
        )


@router.get("/people/{person_id}/social-connections", response_model=list[SocialConnectionRead])
def social_connections(
    person_id: PathId,
    include_ended: bool = Query(default=False, description="Also connections since ended"),
    ctx: RequestContext = Depends(authenticated),
) -> list[SocialConnection]:
    with ctx.transaction() as (session, actor):
        connections = service.social_connections_for(
            session, actor=actor, person_id=person_id, include_ended=include_ended
        )
        log_person_read(session, actor, ctx.now(), person_id, "social connections", "api")
        return connections
