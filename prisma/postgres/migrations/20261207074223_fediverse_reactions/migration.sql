-- CreateTable
CREATE TABLE "FediverseReaction" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "articleSlug" TEXT NOT NULL,
    "target" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FediverseReaction_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "FediverseReaction_articleSlug_kind_idx" ON "FediverseReaction"("articleSlug", "kind");

-- CreateIndex
CREATE UNIQUE INDEX "FediverseReaction_kind_actor_articleSlug_target_key" ON "FediverseReaction"("kind", "actor", "articleSlug", "target");
