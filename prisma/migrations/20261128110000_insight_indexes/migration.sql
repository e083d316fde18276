-- Statistics and exports select tickets by creation date and first replies by ticket and role.
-- CreateIndex
CREATE INDEX "Ticket_createdAt_idx" ON "Ticket"("createdAt");

-- CreateIndex
CREATE INDEX "Message_ticketId_role_createdAt_idx" ON "Message"("ticketId", "role", "createdAt");
