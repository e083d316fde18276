-- Quick replies become a list admins edit, seeded with the five texts that were fixed in the code.
-- CreateTable
CREATE TABLE "QuickReply" (
    "id" SERIAL NOT NULL,
    "titulo" TEXT NOT NULL,
    "texto" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "QuickReply_pkey" PRIMARY KEY ("id")
);

INSERT INTO "QuickReply" ("titulo", "texto", "position") VALUES
  ('Equipo listo', 'Hola, tu equipo ya está listo. Puedes pasar a recogerlo en horario de atención.', 1),
  ('Esperando refacción', 'Estamos esperando una refacción para tu equipo. Te avisaremos en cuanto llegue.', 2),
  ('En revisión', 'Un técnico ya está revisando tu caso. Te escribiremos con el diagnóstico.', 3),
  ('Confirmar datos', '¿Nos confirmas el número de activo del equipo y un horario en que podamos contactarte?', 4),
  ('Ticket resuelto', 'Damos tu ticket por resuelto. Si el problema vuelve, responde a este mensaje y lo reabrimos.', 5);
