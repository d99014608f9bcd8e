import { Field, Float, Int, ObjectType } from "type-graphql";

@ObjectType({ description: "A customer's product activity for one event name over the last `days` UTC days (today included), from the daily rollups." })
export class ProductActivity {
  @Field(() => String)
  name: string;

  @Field(() => Float, { description: "Events in the window." })
  events: number;

  @Field(() => Int, { description: "The largest number of distinct users on one day of the window (the rollups count users per day)." })
  users: number;

  @Field(() => Float, { nullable: true, description: "events / users; null without users reported." })
  eventsPerUser: number | null;

  @Field(() => Int, { description: "Days of the window with at least one event." })
  activeDays: number;

  @Field(() => Float, { description: "Events in the same number of days just before the window." })
  previousEvents: number;

  @Field(() => Float, { nullable: true, description: "(events - previousEvents) / previousEvents; null when there were none before." })
  change: number | null;
}
