/** Answers to the workbench's own prompts that a scenario may meet. */
import { Page } from 'playwright-core';

/** Answers the "Number of steps" box that Train asks (nothing when it does not ask within 5 s). */
export async function answerSteps(page: Page, steps: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  try {
    await input.waitFor({ state: 'visible', timeout: 5_000 });
  } catch {
    return;
  }
  await input.fill(steps);
  await page.keyboard.press('Enter');
}
